package io.dynamokv.spi;

import io.dynamokv.spi.version.VersionSet;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The two moments of a storage update ({@link StorageEngine#apply}): {@code applied} completes
 * with the stored set once later reads and updates of the key see it, {@code durable} once it is
 * also as durable as the engine is configured to make it. Only {@code durable} may be
 * acknowledged to another node; {@code applied} lets a coordinator send the new set to the other
 * replicas while its own fsync runs. If the update fails, both fail.
 */
public record Update(CompletableFuture<VersionSet> applied, CompletableFuture<VersionSet> durable) {

  /** Checks that both futures are given. */
  public Update {
    Objects.requireNonNull(applied, "applied");
    Objects.requireNonNull(durable, "durable");
  }

  /** An update that is applied and durable already, with {@code stored} the set after it. */
  public static Update done(VersionSet stored) {
    CompletableFuture<VersionSet> f = CompletableFuture.completedFuture(stored);
    return new Update(f, f);
  }

  /** An update that failed with {@code cause}. */
  public static Update failed(Throwable cause) {
    CompletableFuture<VersionSet> f = CompletableFuture.failedFuture(cause);
    return new Update(f, f);
  }
}
