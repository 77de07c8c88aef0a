package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Tells a replica to merge {@code versions} into its set of one key; answered with an
 * {@link Ack} once durable. With {@code hintFor}, the receiver is a fallback: it keeps the
 * versions as a hint for that node instead of as its own replica.
 */
public record ReplicaPut(String store, byte[] key, VersionSet versions, Optional<NodeId> hintFor)
    implements WireMessage {

  /** Validates and copies the parts. */
  public ReplicaPut {
    StorageKey.validateStore(store);
    key = Objects.requireNonNull(key, "key").clone();
    Objects.requireNonNull(versions, "versions");
    Objects.requireNonNull(hintFor, "hintFor");
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_PUT;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaPut r && store.equals(r.store) && Arrays.equals(key, r.key)
        && versions.equals(r.versions) && hintFor.equals(r.hintFor);
  }

  @Override
  public int hashCode() {
    return Objects.hash(store, Arrays.hashCode(key), versions, hintFor);
  }

  @Override
  public String toString() {
    return "ReplicaPut[" + store + "/" + WireBytes.show(key) + ", " + versions
        + hintFor.map(h -> ", hint for " + h).orElse("") + "]";
  }
}
