package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import java.util.Arrays;
import java.util.Objects;

/** One key of a store and its version set: the unit of batches and partition chunks. */
public record KeyedVersions(String store, byte[] key, VersionSet versions) {

  /** Validates and copies the parts. */
  public KeyedVersions {
    StorageKey.validateStore(store);
    key = Objects.requireNonNull(key, "key").clone();
    Objects.requireNonNull(versions, "versions");
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyedVersions k && store.equals(k.store) && Arrays.equals(key, k.key)
        && versions.equals(k.versions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(store, Arrays.hashCode(key), versions);
  }

  @Override
  public String toString() {
    return store + "/" + WireBytes.show(key) + "=" + versions;
  }
}
