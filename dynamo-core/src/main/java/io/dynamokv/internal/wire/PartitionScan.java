package io.dynamokv.internal.wire;

import io.dynamokv.spi.ScanRange;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks for up to {@code limit} keys of one partition's segments {@code [fromSegment, toSegment)},
 * after {@code afterKey} (at {@code afterSegment}) if given: one page of a partition transfer or
 * of an anti-entropy segment exchange. Answered with a {@link PartitionChunk}.
 */
public record PartitionScan(String store, int partition, int fromSegment, int toSegment,
    int afterSegment, Optional<Bytes> afterKey, int limit) implements WireMessage {

  /** Validates the parts. */
  public PartitionScan {
    new ScanRange(store, partition, fromSegment, toSegment, Optional.empty()); // validates
    Objects.requireNonNull(afterKey, "afterKey");
    if (limit < 1) {
      throw new IllegalArgumentException("limit : " + limit + " (expected: >= 1)");
    }
  }

  /** Returns the page request, with {@code afterKey} copied. */
  public static PartitionScan of(String store, int partition, int fromSegment, int toSegment, int afterSegment,
      Optional<byte[]> afterKey, int limit) {
    return new PartitionScan(store, partition, fromSegment, toSegment, afterSegment, afterKey.map(Bytes::of), limit);
  }

  @Override
  public MessageType type() {
    return MessageType.PARTITION_SCAN;
  }
}
