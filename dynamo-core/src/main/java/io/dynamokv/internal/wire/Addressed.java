package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import java.util.Objects;

/**
 * A request with the id of the node it is meant for. A node knows its peers by id; an address
 * is only where it last heard one was. A node that receives a request meant for another refuses
 * it, so that a node now listening at a removed node's address never answers (and counts toward
 * a quorum) in its name.
 */
public record Addressed(NodeId to, WireMessage message) implements WireMessage {

  /** Checks the parts: one envelope, around a message that is not one. */
  public Addressed {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    if (message instanceof Addressed) {
      throw new IllegalArgumentException("message : an Addressed (expected: the request itself)");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.ADDRESSED;
  }
}
