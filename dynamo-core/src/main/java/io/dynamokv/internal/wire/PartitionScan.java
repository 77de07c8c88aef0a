package io.dynamokv.internal.wire;

import io.dynamokv.spi.ScanRange;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks for up to {@code limit} keys of one partition's segments {@code [fromSegment, toSegment)},
 * after {@code afterKey} (at {@code afterSegment}) if given, and only those that start with
 * {@code prefix} if given (the scan ends at the first key past them): one page of a partition
 * transfer, of an anti-entropy segment exchange, or of a set's elements. Answered with a
 * {@link PartitionChunk}.
 */
public record PartitionScan(String store, int partition, int fromSegment, int toSegment,
    int afterSegment, Optional<Bytes> afterKey, int limit, Optional<Bytes> prefix) implements WireMessage {

  /** Validates the parts. */
  public PartitionScan {
    new ScanRange(store, partition, fromSegment, toSegment, Optional.empty()); // validates
    Objects.requireNonNull(afterKey, "afterKey");
    Objects.requireNonNull(prefix, "prefix");
    if (limit < 1) {
      throw new IllegalArgumentException("limit : " + limit + " (expected: >= 1)");
    }
  }

  /** Returns the page request, with {@code afterKey} copied. */
  public static PartitionScan of(String store, int partition, int fromSegment, int toSegment, int afterSegment,
      Optional<byte[]> afterKey, int limit) {
    return new PartitionScan(store, partition, fromSegment, toSegment, afterSegment, afterKey.map(Bytes::of), limit,
        Optional.empty());
  }

  /**
   * Returns the request for up to {@code limit} keys that start with {@code prefix}, in one
   * segment, after {@code afterKey} (the prefix itself for the first page).
   */
  public static PartitionScan ofPrefix(String store, int partition, int segment, byte[] prefix, byte[] afterKey,
      int limit) {
    return new PartitionScan(store, partition, segment, segment + 1, segment, Optional.of(Bytes.of(afterKey)), limit,
        Optional.of(Bytes.of(prefix)));
  }

  @Override
  public MessageType type() {
    return MessageType.PARTITION_SCAN;
  }
}
