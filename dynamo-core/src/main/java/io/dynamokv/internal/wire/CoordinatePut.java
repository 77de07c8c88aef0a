package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionVector;
import java.util.Objects;
import java.util.Optional;

/**
 * A client's write forwarded to a node of the key's preference list, which coordinates it:
 * {@code value} empty means a delete, unless {@code operation} is present, an operation on a
 * built-in type that the coordinator applies to the key's state (with no context: it joins what
 * it holds). Answered with a {@link CoordinatePutReply} once {@code w} of the key's {@code n}
 * replicas have it, or a {@link Failure}.
 */
public record CoordinatePut(String store, Bytes key, VersionVector context, Optional<Bytes> value,
    int n, int w, int timeoutMillis, long writeId, Optional<Bytes> operation) implements WireMessage {

  /** Validates the parts. */
  public CoordinatePut {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(operation, "operation");
    if (operation.isPresent() && (value.isPresent() || !context.isEmpty())) {
      throw new IllegalArgumentException("an operation with a value or a context (expected: the operation alone)");
    }
    CoordinateGet.checkQuorum(n, "w", w, timeoutMillis);
  }

  /** Returns the operation {@code operation} (copied) on the built-in type at {@code key} of {@code store}. */
  public static CoordinatePut operation(String store, byte[] key, byte[] operation, int n, int w, int timeoutMillis,
      long writeId) {
    return new CoordinatePut(store, Bytes.of(key), VersionVector.EMPTY, Optional.empty(), n, w, timeoutMillis, writeId,
        Optional.of(Bytes.of(operation)));
  }

  /** Returns the write of {@code value} (a delete if empty) for {@code key} of {@code store}, both copied. */
  public static CoordinatePut of(String store, byte[] key, VersionVector context, Optional<byte[]> value, int n,
      int w, int timeoutMillis) {
    return of(store, key, context, value, n, w, timeoutMillis, 0);
  }

  /**
   * As {@link #of(String, byte[], VersionVector, Optional, int, int, int)}, naming the client
   * write {@code writeId} (0: none), which every retry of the write carries: coordinated twice,
   * it is still one sibling.
   */
  public static CoordinatePut of(String store, byte[] key, VersionVector context, Optional<byte[]> value, int n,
      int w, int timeoutMillis, long writeId) {
    return new CoordinatePut(store, Bytes.of(key), context, value.map(Bytes::of), n, w, timeoutMillis, writeId,
        Optional.empty());
  }

  @Override
  public MessageType type() {
    return MessageType.COORDINATE_PUT;
  }
}
