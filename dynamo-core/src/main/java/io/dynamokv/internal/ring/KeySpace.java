package io.dynamokv.internal.ring;

import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import java.util.Objects;

/**
 * The hash space cut into {@code partitions} equal ranges (the paper's strategy 3), and each
 * partition cut again into {@link #SEGMENTS_PER_PARTITION} segments, the leaves of its Merkle
 * tree. Q is fixed when a cluster is created: changing it would move every key.
 *
 * <p>A key's partition comes from the top 64 bits of its hash and its segment from the bottom
 * bits, so both are uniform and independent. A {@link GroupedKey} is placed by its group's key.
 */
public record KeySpace(int partitions) {

  /** The largest partition count accepted. */
  public static final int MAX_PARTITIONS = StorageKey.MAX_PARTITIONS;

  /** The number of Merkle leaves per partition, fixed by the on-disk format. */
  public static final int SEGMENTS_PER_PARTITION = StorageEngine.SEGMENTS_PER_PARTITION;

  private static final int SEGMENT_BITS = Integer.numberOfTrailingZeros(SEGMENTS_PER_PARTITION);

  /** Validates the partition count. */
  public KeySpace {
    if (partitions < 1 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException(
          "partitions : " + partitions + " (expected: 1.." + MAX_PARTITIONS + ")");
    }
  }

  /** Returns the partition of the key with this hash: {@code floor(hash * Q / 2^128)}. */
  public int partitionOf(KeyHash hash) {
    return (int) unsignedMultiplyHigh(hash.high(), partitions);
  }

  /** Returns the Merkle segment, within its partition, of the key with this hash. */
  public int segmentOf(KeyHash hash) {
    return (int) (hash.low() >>> (64 - SEGMENT_BITS));
  }

  /** Returns where {@code key} lives. */
  public Placement place(byte[] key) {
    KeyHash hash = KeyHash.of(GroupedKey.placing(key));
    return new Placement(partitionOf(hash), segmentOf(hash));
  }

  /** {@code Math.unsignedMultiplyHigh} arrived in Java 18; this is its definition. */
  private static long unsignedMultiplyHigh(long x, long y) {
    return Math.multiplyHigh(x, y) + ((x >> 63) & y) + ((y >> 63) & x);
  }

  /** A key's partition and the Merkle segment within it. */
  /** Returns the storage key of {@code key} in {@code store}: its partition and segment placed by this key space. */
  public StorageKey storageKey(String store, byte[] key) {
    Objects.requireNonNull(key, "key");
    Placement placement = place(key);
    return StorageKey.of(store, placement.partition(), placement.segment(), key);
  }

  public record Placement(int partition, int segment) {}
}
