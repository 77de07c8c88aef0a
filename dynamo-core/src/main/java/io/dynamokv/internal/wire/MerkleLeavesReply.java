package io.dynamokv.internal.wire;

import io.dynamokv.internal.ring.KeySpace;
import java.util.Arrays;
import java.util.Objects;

/** A partition's Merkle leaves, one per segment. */
public record MerkleLeavesReply(long[] leaves) implements WireMessage {

  /** Validates and copies the leaves. */
  public MerkleLeavesReply {
    Objects.requireNonNull(leaves, "leaves");
    if (leaves.length != KeySpace.SEGMENTS_PER_PARTITION) {
      throw new IllegalArgumentException("leaves : " + leaves.length + " (expected: " + KeySpace.SEGMENTS_PER_PARTITION + ")");
    }
    leaves = leaves.clone();
  }

  @Override
  public long[] leaves() {
    return leaves.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.MERKLE_LEAVES_REPLY;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MerkleLeavesReply m && Arrays.equals(leaves, m.leaves);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(leaves);
  }

  @Override
  public String toString() {
    return "MerkleLeavesReply[" + Long.toHexString(Arrays.hashCode(leaves)) + "]";
  }
}
