package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells a replica to merge {@code versions} into its set of one key; answered with an
 * {@link Ack} once durable. With {@code hintFor}, the receiver is a fallback: it keeps the
 * versions as a hint for that node instead of as its own replica.
 */
public record ReplicaPut(String store, Bytes key, VersionSet versions, Optional<NodeId> hintFor)
    implements WireMessage {

  /** Validates the parts. */
  public ReplicaPut {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(versions, "versions");
    Objects.requireNonNull(hintFor, "hintFor");
  }

  /** Returns the write of {@code versions} for {@code key} (copied) of {@code store}. */
  public ReplicaPut(String store, byte[] key, VersionSet versions, Optional<NodeId> hintFor) {
    this(store, Bytes.of(key), versions, hintFor);
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_PUT;
  }
}
