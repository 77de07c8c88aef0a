package io.dynamokv.internal.antientropy;

import io.dynamokv.internal.ring.KeySpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The hash tree over one partition's Merkle leaves (one leaf per segment): each inner node
 * hashes its two children, so equal roots mean equal partitions (up to 64-bit collisions), and
 * descending only into differing children finds the differing segments in O(d log S) for d
 * differences among S segments.
 *
 * <pre>
 *                 root
 *            /            \
 *         h(0..127)     h(128..255)
 *          /    \          ...
 *        ...    ...
 *     leaf 0 .. leaf 255      (leaf s = XOR of the digests of the keys in segment s)
 * </pre>
 *
 * <p>Immutable.
 */
public final class MerkleTree {

  private final long[][] levels; // levels[0] = leaves, last = {root}

  private MerkleTree(long[][] levels) {
    this.levels = levels;
  }

  /** Builds the tree over {@code leaves} (one per segment; a power of two of them). */
  public static MerkleTree of(long[] leaves) {
    Objects.requireNonNull(leaves, "leaves");
    if (leaves.length == 0 || Integer.bitCount(leaves.length) != 1) {
      throw new IllegalArgumentException("leaves : " + leaves.length + " (expected: a power of two, e.g. "
          + KeySpace.SEGMENTS_PER_PARTITION + ")");
    }
    List<long[]> levels = new ArrayList<>();
    long[] level = leaves.clone();
    levels.add(level);
    while (level.length > 1) {
      long[] up = new long[level.length / 2];
      for (int i = 0; i < up.length; i++) {
        up[i] = combine(level[2 * i], level[2 * i + 1]);
      }
      levels.add(up);
      level = up;
    }
    return new MerkleTree(levels.toArray(long[][]::new));
  }

  private static long combine(long left, long right) {
    long h = left * 0x9E3779B97F4A7C15L + Long.rotateLeft(right, 31);
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    return h ^ (h >>> 33);
  }

  /** Returns the root hash. */
  public long root() {
    return levels[levels.length - 1][0];
  }

  /** Returns the number of leaves (segments). */
  public int size() {
    return levels[0].length;
  }

  /** Returns the segments whose leaves differ from {@code other}'s, ascending. */
  public List<Integer> differingSegments(MerkleTree other) {
    if (other.size() != size()) {
      throw new IllegalArgumentException("other tree : " + other.size() + " leaves (expected: " + size() + ")");
    }
    List<Integer> out = new ArrayList<>();
    descend(other, levels.length - 1, 0, out);
    return out;
  }

  private void descend(MerkleTree other, int level, int index, List<Integer> out) {
    if (levels[level][index] == other.levels[level][index]) {
      return;
    }
    if (level == 0) {
      out.add(index);
      return;
    }
    descend(other, level - 1, 2 * index, out);
    descend(other, level - 1, 2 * index + 1, out);
  }
}
