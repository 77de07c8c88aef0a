package io.dynamokv.spi;

import java.util.Objects;

/**
 * Who a transport proved the other side of a connection to be, from its certificate: a node of
 * the cluster (its certificate names a node id) or a client (any other certificate the cluster's
 * authority signed). A node serves a client's requests to coordinate, never what only members
 * may ask (gossip, replica reads and writes, hints, transfers, Merkle exchanges); and it lets a
 * node speak only for itself, so a peer proved to be node A cannot gossip as node B.
 *
 * @param name the node id, or the client's name (its certificate's common name)
 * @param node whether the certificate names a node
 */
public record PeerIdentity(String name, boolean node) {

  /** Checks the name. */
  public PeerIdentity {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name : \"\" (expected: a node id or a client's name)");
    }
  }

  /** A node with id {@code id}. */
  public static PeerIdentity node(String id) {
    return new PeerIdentity(id, true);
  }

  /** A client named {@code name}. */
  public static PeerIdentity client(String name) {
    return new PeerIdentity(name, false);
  }
}
