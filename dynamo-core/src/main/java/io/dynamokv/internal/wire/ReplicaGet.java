package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import java.util.Objects;

/** Asks a replica for its version set of one key; answered with a {@link ReplicaGetReply}. */
public record ReplicaGet(String store, Bytes key) implements WireMessage {

  /** Validates the parts. */
  public ReplicaGet {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
  }

  /** Returns the request for {@code key} (copied) of {@code store}. */
  public ReplicaGet(String store, byte[] key) {
    this(store, Bytes.of(key));
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_GET;
  }
}
