package io.dynamokv.wire;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Endpoint;
import java.util.Objects;

/**
 * What gossip says of one node: where it listens, its incarnation, weight and status, and its
 * heartbeat, which only the node itself increments.
 */
public record MemberState(NodeId id, Endpoint endpoint, long incarnation, int weight,
    MemberStatus status, long heartbeat) {

  /** Validates the parts. */
  public MemberState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(status, "status");
    if (weight < 1) {
      throw new IllegalArgumentException("weight : " + weight + " (expected: >= 1)");
    }
  }
}
