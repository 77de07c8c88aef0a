package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionVector;
import java.util.Objects;
import java.util.Optional;

/**
 * A client's write forwarded to a node of the key's preference list, which coordinates it:
 * {@code value} empty means a delete. Answered with a {@link CoordinatePutReply} once
 * {@code w} of the key's {@code n} replicas have it, or a {@link Failure}.
 */
public record CoordinatePut(String store, Bytes key, VersionVector context, Optional<Bytes> value,
    int n, int w, int timeoutMillis, long writeId) implements WireMessage {

  /** Validates the parts. */
  public CoordinatePut {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(value, "value");
    CoordinateGet.checkQuorum(n, "w", w, timeoutMillis);
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
    return new CoordinatePut(store, Bytes.of(key), context, value.map(Bytes::of), n, w, timeoutMillis, writeId);
  }

  @Override
  public MessageType type() {
    return MessageType.COORDINATE_PUT;
  }
}
