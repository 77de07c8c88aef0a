package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import java.util.Arrays;
import java.util.Objects;

/** Asks a replica for its version set of one key; answered with a {@link ReplicaGetReply}. */
public record ReplicaGet(String store, byte[] key) implements WireMessage {

  /** Validates and copies the parts. */
  public ReplicaGet {
    StorageKey.validateStore(store);
    key = Objects.requireNonNull(key, "key").clone();
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_GET;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaGet r && store.equals(r.store) && Arrays.equals(key, r.key);
  }

  @Override
  public int hashCode() {
    return store.hashCode() * 31 + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "ReplicaGet[" + store + "/" + WireBytes.show(key) + "]";
  }
}
