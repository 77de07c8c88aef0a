package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import java.util.Objects;

/**
 * A client's read of the digest of one replica's copy of a key, beside a {@link PrimaryGet} of
 * the whole copy from another primary: answered with a {@link SetDigest} of the node's own set if
 * the node is one of the key's {@code n} primaries in its ring, and with a {@link Failure} if it
 * is not. A read with R replicas then moves one copy and R - 1 digests: the client checks that
 * the digests are the copy's own, and reads through a coordinator if one is not.
 */
public record PrimaryDigest(String store, Bytes key, int n) implements WireMessage {

  /** Validates the parts. */
  public PrimaryDigest {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
    if (n < 1 || n > 255) {
      throw new IllegalArgumentException("n : " + n + " (expected: 1..255)");
    }
  }

  /** Returns the digest read of {@code key} (copied) of {@code store}, whose replicas number {@code n}. */
  public PrimaryDigest(String store, byte[] key, int n) {
    this(store, Bytes.of(key), n);
  }

  @Override
  public MessageType type() {
    return MessageType.PRIMARY_DIGEST;
  }
}
