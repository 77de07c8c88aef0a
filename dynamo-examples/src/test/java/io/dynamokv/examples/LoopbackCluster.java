package io.dynamokv.examples;

import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.scenario.ClusterHarness;
import io.dynamokv.spi.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The scenario harness over a {@link LocalCluster}: real time, real sockets, RocksDB. */
final class LoopbackCluster implements ClusterHarness {

  private final LocalCluster cluster;

  LoopbackCluster(Path root, int size, Duration requestTimeout) {
    cluster = new LocalCluster(root, size, requestTimeout);
  }

  @Override public List<NodeId> nodes() { return cluster.nodes(); }
  @Override public DynamoNode node(NodeId id) { return cluster.node(id); }
  @Override public StorageEngine storage(NodeId id) { return cluster.storage(id); }
  @Override public KeySpace keySpace() { return cluster.keySpace(); }
  @Override public PreferenceList preferenceList(String key) { return cluster.preferenceList(key); }
  @Override public void kill(NodeId id) { cluster.kill(id); }
  @Override public void restart(NodeId id) { cluster.restart(id); }
  @Override public void partition(Set<NodeId> a, Set<NodeId> b) { cluster.partition(a, b); }
  @Override public void slow(NodeId id, Duration delay) { cluster.slow(id, delay); }
  @Override public void heal() { cluster.heal(); }
  private io.dynamokv.transport.netty.NettyTransport client;

  @Override
  public synchronized CompletableFuture<io.dynamokv.spi.Message> sendFromClient(NodeId id, io.dynamokv.spi.Message request) {
    if (client == null) {
      // Never started: a client sends requests and serves none.
      client = io.dynamokv.transport.netty.NettyTransport.create(io.dynamokv.transport.netty.NettyTransportConfig
          .newBuilder(io.dynamokv.Endpoint.of("127.0.0.1", LocalCluster.freePort())).clusterSecret(cluster.secret()).build());
    }
    return client.request(cluster.endpoint(id), request, Duration.ofSeconds(5));
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
    }
    cluster.close();
  }

  @Override
  public <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within 60 s", e);
    }
  }

  @Override
  public void pass(Duration duration) {
    waitFor(() -> false, duration, false);
  }

  @Override
  public void awaitCondition(BooleanSupplier condition, Duration limit) {
    waitFor(condition, limit, true);
  }

  /**
   * Real time: polls {@code condition} until it holds or {@code limit} passes; then, if it
   * {@code mustHold}, fails.
   */
  static void waitFor(BooleanSupplier condition, Duration limit, boolean mustHold) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        if (mustHold) {
          throw new AssertionError("condition not met within " + limit);
        }
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
