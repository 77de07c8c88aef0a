package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import java.util.List;

/** A version of the ring as gossip carries it: the owner of each partition. */
public record RingState(long version, List<NodeId> owners) {

  /** Copies the owners. */
  public RingState {
    owners = List.copyOf(owners);
    if (owners.isEmpty()) {
      throw new IllegalArgumentException("owners : [] (expected: one per partition)");
    }
  }
}
