package io.dynamokv.spi;

import io.dynamokv.internal.ring.KeySpace;
import java.util.Objects;
import java.util.Optional;

/**
 * A contiguous range of one store's partition: segments {@code [fromSegment, toSegment)},
 * optionally starting after a key already seen (to resume a transfer).
 */
public record ScanRange(
    String store, int partition, int fromSegment, int toSegment, Optional<StorageKey> after) {

  /** Validates the range. */
  public ScanRange {
    StorageKey.validateStore(store);
    Objects.requireNonNull(after, "after");
    if (partition < 0 || partition >= KeySpace.MAX_PARTITIONS) {
      throw new IllegalArgumentException("partition : " + partition + " (expected: 0.." + (KeySpace.MAX_PARTITIONS - 1) + ")");
    }
    if (fromSegment < 0 || toSegment > KeySpace.SEGMENTS_PER_PARTITION || fromSegment > toSegment) {
      throw new IllegalArgumentException("segments : [" + fromSegment + ", " + toSegment
          + ") (expected: within [0, " + KeySpace.SEGMENTS_PER_PARTITION + "))");
    }
    after.ifPresent(k -> {
      if (!k.store().equals(store) || k.partition() != partition) {
        throw new IllegalArgumentException("resume key " + k + " is outside " + store + "/p" + partition);
      }
    });
  }

  /** Returns the whole of {@code partition} of {@code store}. */
  public static ScanRange partition(String store, int partition) {
    return new ScanRange(store, partition, 0, KeySpace.SEGMENTS_PER_PARTITION, Optional.empty());
  }

  /** Returns one Merkle segment of a partition. */
  public static ScanRange segment(String store, int partition, int segment) {
    return new ScanRange(store, partition, segment, segment + 1, Optional.empty());
  }

  /** Returns this range, less the keys up to and including {@code last}. */
  public ScanRange resumeAfter(StorageKey last) {
    return new ScanRange(store, partition, fromSegment, toSegment, Optional.of(last));
  }

  /** Returns whether {@code key} lies in this range. */
  public boolean contains(StorageKey key) {
    return key.store().equals(store)
        && key.partition() == partition
        && key.segment() >= fromSegment
        && key.segment() < toSegment
        && after.map(a -> key.compareTo(a) > 0).orElse(true);
  }
}
