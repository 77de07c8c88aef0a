package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionVector;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A client's write forwarded to a node of the key's preference list, which coordinates it:
 * {@code value} empty means a delete. Answered with a {@link CoordinatePutReply} once
 * {@code w} of the key's {@code n} replicas have it, or a {@link Failure}.
 */
public record CoordinatePut(String store, byte[] key, VersionVector context, Optional<byte[]> value,
    int n, int w, int timeoutMillis) implements WireMessage {

  /** Validates and copies the parts. */
  public CoordinatePut {
    StorageKey.validateStore(store);
    key = Objects.requireNonNull(key, "key").clone();
    Objects.requireNonNull(context, "context");
    value = Objects.requireNonNull(value, "value").map(byte[]::clone);
    CoordinateGet.checkQuorum(n, "w", w, timeoutMillis);
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public Optional<byte[]> value() {
    return value.map(byte[]::clone);
  }

  @Override
  public MessageType type() {
    return MessageType.COORDINATE_PUT;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CoordinatePut c && store.equals(c.store) && Arrays.equals(key, c.key)
        && context.equals(c.context) && n == c.n && w == c.w && timeoutMillis == c.timeoutMillis
        && value.isPresent() == c.value.isPresent()
        && (value.isEmpty() || Arrays.equals(value.get(), c.value.get()));
  }

  @Override
  public int hashCode() {
    return Objects.hash(store, Arrays.hashCode(key), context, n, w, timeoutMillis,
        value.map(Arrays::hashCode).orElse(0));
  }

  @Override
  public String toString() {
    return "CoordinatePut[" + store + "/" + WireBytes.show(key) + ", context=" + context
        + value.map(v -> ", value=" + WireBytes.show(v)).orElse(", delete") + ", n=" + n + ", w=" + w
        + ", timeout=" + timeoutMillis + "ms]";
  }
}
