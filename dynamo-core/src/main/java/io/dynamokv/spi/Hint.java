package io.dynamokv.spi;

import io.dynamokv.NodeId;
import io.dynamokv.spi.version.VersionSet;
import java.util.Objects;

/**
 * Versions a fallback node holds for a replica that was down: {@code target} is the intended
 * owner, to which they are delivered once it is reachable.
 */
public record Hint(NodeId target, StorageKey key, VersionSet versions) {

  /** Validates the parts. */
  public Hint {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(versions, "versions");
  }
}
