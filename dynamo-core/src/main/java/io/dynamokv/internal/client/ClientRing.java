package io.dynamokv.internal.client;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.ClusterState;
import io.dynamokv.internal.membership.MemberState;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.wire.Gossip;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a client knows of the cluster: the committed ring, and where each member that has not
 * left listens. Immutable; a client replaces it whole when a node tells it of a later ring.
 */
record ClientRing(Ring ring, Map<NodeId, Endpoint> endpoints) {

  ClientRing {
    endpoints = Map.copyOf(endpoints);
  }

  /** Returns the view a node's state gives, if that node has a committed ring. */
  static Optional<ClientRing> of(Gossip state) {
    if (state.committed().isEmpty()) {
      return Optional.empty();
    }
    Map<NodeId, Endpoint> endpoints = new TreeMap<>();
    for (MemberState m : state.members()) {
      if (m.status() != MemberStatus.LEFT) {
        endpoints.put(m.id(), m.endpoint());
      }
    }
    return Optional.of(new ClientRing(ClusterState.fromWire(state.committed().get()), endpoints));
  }

  /** Returns where {@code node} listens, if it is a member that has not left. */
  Optional<Endpoint> endpointOf(NodeId node) {
    return Optional.ofNullable(endpoints.get(node));
  }
}
