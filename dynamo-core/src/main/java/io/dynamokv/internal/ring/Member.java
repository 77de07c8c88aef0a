package io.dynamokv.internal.ring;

import io.dynamokv.NodeId;
import java.util.Objects;

/**
 * A node taking part in the ring, with a weight: a node of weight 2 is assigned about twice the
 * partitions of a node of weight 1 (the paper's heterogeneity).
 */
public record Member(NodeId id, int weight) {

  /** The largest weight accepted. */
  public static final int MAX_WEIGHT = 1000;

  /** Validates the weight. */
  public Member {
    Objects.requireNonNull(id, "id");
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight of " + id + " : " + weight + " (expected: 1.." + MAX_WEIGHT + ")");
    }
  }

  /** Returns a member of weight 1. */
  public static Member of(NodeId id) {
    return new Member(id, 1);
  }
}
