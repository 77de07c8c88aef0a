package io.dynamokv;

import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.crdt.CounterState;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Counters by key, which any node or client increments and decrements at once, concurrently,
 * with no context and no siblings: an increment is sent to a replica of the key, which applies
 * it to its state and replicates the result; concurrent increments all count. Open one with
 * {@link Stores#counters}.
 *
 * <pre>{@code
 * CounterStore likes = node.counters("likes");
 * likes.increment("post-17", 1);
 * long n = likes.get("post-17");
 * }</pre>
 *
 * <p>An increment that fails (a timeout, too few replicas) may still have been applied at its
 * coordinator and count later; one that is retried after a timeout may count twice, as in Riak.
 * Thread-safe.
 */
public final class CounterStore extends StoreHandle {

  CounterStore(String name, Replication replication, Coordination coordination, Executor callbacks, Duration timeout,
      Limits limits) {
    super(name, replication, coordination, callbacks, timeout, limits);
  }

  /** Reads the counter at {@code key} (0 if never incremented) with the store's R. */
  public CompletableFuture<Long> getAsync(String key) {
    return reading(key).async();
  }

  /** Reads the counter at {@code key}, waiting for it. */
  public long get(String key) {
    return reading(key).await();
  }

  /**
   * Adds {@code amount} (negative: subtracts) to the counter at {@code key}; completes, once W
   * replicas have it, with the counter's value at its coordinator after it.
   */
  public CompletableFuture<Long> incrementAsync(String key, long amount) {
    return incrementing(key, amount).async();
  }

  /** Adds {@code amount} to the counter at {@code key}, waiting for W replicas; returns its value after. */
  public long increment(String key, long amount) {
    return incrementing(key, amount).await();
  }

  private Pending<Long> reading(String key) {
    return read(key, versions -> value(key, versions));
  }

  private Pending<Long> incrementing(String key, long amount) {
    return update(key, () -> CrdtValues.increment(amount), versions -> value(key, versions));
  }

  private long value(String key, VersionSet versions) {
    return decoded(key, what -> ((CounterState) CrdtValues.stateOf(versions, CrdtValues.Type.COUNTER, what,
        CounterState.EMPTY)).value());
  }
}
