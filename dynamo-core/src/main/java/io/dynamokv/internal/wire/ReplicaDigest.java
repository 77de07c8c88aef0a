package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import java.util.Objects;

/**
 * Asks a replica for the digest of its version set of one key; answered with a {@link SetDigest}.
 * A coordinator that holds the key reads its own copy and asks the other replicas for their
 * digests: a digest equal to its own copy's stands for that copy, and one that differs is followed
 * by a {@link ReplicaGet} of the whole set, to merge and repair.
 */
public record ReplicaDigest(String store, Bytes key) implements WireMessage {

  /** Validates the parts. */
  public ReplicaDigest {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
  }

  /** Returns the request for the digest of {@code key} (copied) of {@code store}. */
  public ReplicaDigest(String store, byte[] key) {
    this(store, Bytes.of(key));
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_DIGEST;
  }
}
