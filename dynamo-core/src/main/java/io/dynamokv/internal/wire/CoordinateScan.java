package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import java.util.Objects;

/**
 * A page of a group's keys (the elements of a set) sent to a node to read, as a client does: the
 * node reads the keys that start with {@code prefix} after {@code afterKey} from {@code r} of the
 * group's {@code n} replicas, at most {@code limit} from each, and answers with a
 * {@link PartitionChunk} of the merged page (complete once no replica holds more), or a
 * {@link Failure}.
 */
public record CoordinateScan(String store, Bytes prefix, Bytes afterKey, int limit, int n, int r,
    int timeoutMillis) implements WireMessage {

  /** Validates the parts. */
  public CoordinateScan {
    StorageKey.validateStore(store);
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(afterKey, "afterKey");
    if (limit < 1) {
      throw new IllegalArgumentException("limit : " + limit + " (expected: >= 1)");
    }
    CoordinateGet.checkQuorum(n, "r", r, timeoutMillis);
  }

  @Override
  public MessageType type() {
    return MessageType.COORDINATE_SCAN;
  }
}
