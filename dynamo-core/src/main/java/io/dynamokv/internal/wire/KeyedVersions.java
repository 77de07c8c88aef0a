package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import java.util.Objects;

/** One key of a store and its version set: the unit of batches and partition chunks. */
public record KeyedVersions(String store, Bytes key, VersionSet versions) {

  /** Validates the parts. */
  public KeyedVersions {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(versions, "versions");
  }

  /** Returns {@code key} (copied) of {@code store} with its {@code versions}. */
  public KeyedVersions(String store, byte[] key, VersionSet versions) {
    this(store, Bytes.of(key), versions);
  }
}
