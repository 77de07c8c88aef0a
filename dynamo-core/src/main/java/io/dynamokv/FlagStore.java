package io.dynamokv;

import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.crdt.SetState;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Flags by key, enabled and disabled from any node or client: an enable concurrent with a disable
 * wins (a disable takes back the enables its coordinator has seen). Open one with
 * {@link Stores#flags}. A flag never set reads as disabled. Thread-safe.
 */
public final class FlagStore extends StoreHandle {

  FlagStore(String name, Replication replication, Coordination coordination, Executor callbacks, Duration timeout,
      Limits limits) {
    super(name, replication, coordination, callbacks, timeout, limits);
  }

  /** Reads the flag at {@code key} with the store's R. */
  public CompletableFuture<Boolean> getAsync(String key) {
    return reading(key).async();
  }

  /** Reads the flag at {@code key}, waiting for it. */
  public boolean get(String key) {
    return reading(key).await();
  }

  /** Enables the flag at {@code key}, once W replicas have it. */
  public CompletableFuture<Void> enableAsync(String key) {
    return setting(key, CrdtValues::enable).async();
  }

  /** Enables the flag at {@code key}, waiting for W replicas. */
  public void enable(String key) {
    setting(key, CrdtValues::enable).await();
  }

  /** Disables the flag at {@code key}: takes back the enables its coordinator has seen, once W replicas have it. */
  public CompletableFuture<Void> disableAsync(String key) {
    return setting(key, CrdtValues::disable).async();
  }

  /** Disables the flag at {@code key}, waiting for W replicas. */
  public void disable(String key) {
    setting(key, CrdtValues::disable).await();
  }

  private Pending<Boolean> reading(String key) {
    return read(key, versions -> enabled(key, versions));
  }

  private Pending<Void> setting(String key, java.util.function.Supplier<byte[]> operation) {
    return update(key, operation, versions -> null);
  }

  private boolean enabled(String key, VersionSet versions) {
    return decoded(key, what -> CrdtValues.enabled((SetState) CrdtValues.stateOf(versions, CrdtValues.Type.FLAG, what,
        SetState.EMPTY)));
  }
}
