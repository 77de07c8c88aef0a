package io.dynamokv.internal.wire;

import io.dynamokv.spi.ScanRange;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks for up to {@code limit} keys of one partition's segments {@code [fromSegment, toSegment)},
 * after {@code afterKey} (at {@code afterSegment}) if given: one page of a partition transfer or
 * of an anti-entropy segment exchange. Answered with a {@link PartitionChunk}.
 */
public record PartitionScan(String store, int partition, int fromSegment, int toSegment,
    int afterSegment, Optional<byte[]> afterKey, int limit) implements WireMessage {

  /** Validates and copies the parts. */
  public PartitionScan {
    new ScanRange(store, partition, fromSegment, toSegment, Optional.empty()); // validates
    afterKey = Objects.requireNonNull(afterKey, "afterKey").map(byte[]::clone);
    if (limit < 1) {
      throw new IllegalArgumentException("limit : " + limit + " (expected: >= 1)");
    }
  }

  @Override
  public Optional<byte[]> afterKey() {
    return afterKey.map(byte[]::clone);
  }

  @Override
  public MessageType type() {
    return MessageType.PARTITION_SCAN;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionScan p && store.equals(p.store) && partition == p.partition
        && fromSegment == p.fromSegment && toSegment == p.toSegment && afterSegment == p.afterSegment
        && limit == p.limit && afterKey.isPresent() == p.afterKey.isPresent()
        && (afterKey.isEmpty() || Arrays.equals(afterKey.get(), p.afterKey.get()));
  }

  @Override
  public int hashCode() {
    return Objects.hash(store, partition, fromSegment, toSegment, afterSegment, limit,
        afterKey.map(Arrays::hashCode).orElse(0));
  }

  @Override
  public String toString() {
    return "PartitionScan[" + store + "/p" + partition + " segments " + fromSegment + ".." + toSegment
        + afterKey.map(k -> " after s" + afterSegment + "/" + WireBytes.show(k)).orElse("") + ", limit " + limit + "]";
  }
}
