package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import java.util.Objects;

/**
 * A client's read of one replica's copy of a key: answered with a {@link ReplicaGetReply} of
 * the node's own set if the node is one of the key's {@code n} primaries in its ring, and with a
 * {@link Failure} if it is not (the client's ring is stale, and the node may hold nothing). A
 * client that asks R primaries at once and gets equal sets has read the key with R replicas and
 * no coordinator between; sets that differ are read again through a coordinator, which repairs.
 */
public record PrimaryGet(String store, Bytes key, int n) implements WireMessage {

  /** Validates the parts. */
  public PrimaryGet {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
    if (n < 1 || n > 255) {
      throw new IllegalArgumentException("n : " + n + " (expected: 1..255)");
    }
  }

  /** Returns the read of {@code key} (copied) of {@code store}, whose replicas number {@code n}. */
  public PrimaryGet(String store, byte[] key, int n) {
    this(store, Bytes.of(key), n);
  }

  @Override
  public MessageType type() {
    return MessageType.PRIMARY_GET;
  }
}
