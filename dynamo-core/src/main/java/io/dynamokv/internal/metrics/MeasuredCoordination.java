package io.dynamokv.internal.metrics;

import io.dynamokv.NodeId;
import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A {@link Coordination} whose operations' latencies and failures are recorded, by store. */
public final class MeasuredCoordination implements Coordination {

  private final Coordination inner;
  private final Latencies latencies;

  public MeasuredCoordination(Coordination inner, Latencies latencies) {
    this.inner = inner;
    this.latencies = latencies;
  }

  @Override
  public CompletableFuture<VersionSet> get(String store, byte[] key, int n, int r, Duration timeout) {
    long start = latencies.now();
    return record(Latencies.Op.GET, store, start, inner.get(store, key, n, r, timeout));
  }

  @Override
  public CompletableFuture<VersionSet> readReplica(String store, byte[] key, NodeId replica, Duration timeout) {
    return inner.readReplica(store, key, replica, timeout);
  }

  @Override
  public CompletableFuture<VersionSet> put(String store, byte[] key, VersionVector seen, Optional<byte[]> value, int n,
      int w, Duration timeout) {
    long start = latencies.now();
    return record(value.isPresent() ? Latencies.Op.PUT : Latencies.Op.DELETE, store, start,
        inner.put(store, key, seen, value, n, w, timeout));
  }

  @Override
  public CompletableFuture<VersionSet> update(String store, byte[] key, byte[] operation, int n, int w,
      Duration timeout) {
    long start = latencies.now();
    return record(Latencies.Op.UPDATE, store, start, inner.update(store, key, operation, n, w, timeout));
  }

  /** Measured a page at a time: a set's read is as many pages as it needs. */
  @Override
  public CompletableFuture<PartitionChunk> scan(String store, byte[] prefix, byte[] afterKey, int limit, int n, int r,
      Duration timeout) {
    long start = latencies.now();
    return record(Latencies.Op.SCAN, store, start, inner.scan(store, prefix, afterKey, limit, n, r, timeout));
  }

  private <T> CompletableFuture<T> record(Latencies.Op op, String store, long start, CompletableFuture<T> result) {
    return latencies.measure(op, store, start, result);
  }
}
