package io.dynamokv.examples;

import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.membership.StaticMembership;
import io.dynamokv.ring.KeySpace;
import io.dynamokv.ring.PreferenceList;
import io.dynamokv.scenario.ClusterHarness;
import io.dynamokv.spi.Endpoint;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.storage.rocksdb.Durability;
import io.dynamokv.storage.rocksdb.RocksDbConfig;
import io.dynamokv.storage.rocksdb.RocksDbStorageEngine;
import io.dynamokv.testkit.FaultyTransport;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Five real nodes in this JVM: each with its own RocksDB directory and a Netty transport on a
 * loopback port, wrapped in a {@link FaultyTransport} so tests and the demo can partition them.
 */
public final class LoopbackCluster implements ClusterHarness {

  private static final int Q = 64;

  private final Path root;
  private final Map<NodeId, Endpoint> members = new TreeMap<>();
  private final Map<NodeId, DynamoNode> running = new TreeMap<>();
  private final Map<NodeId, StorageEngine> storages = new HashMap<>();
  private final Map<NodeId, FaultyTransport> transports = new HashMap<>();
  private final StaticMembership membership;
  private final ExecutorScheduler scheduler = new ExecutorScheduler("loopback-cluster", 4, Duration.ofSeconds(5));
  private final Duration requestTimeout;

  /** Starts {@code size} nodes with data under {@code root}. */
  public LoopbackCluster(Path root, int size, Duration requestTimeout) {
    this.root = root;
    this.requestTimeout = requestTimeout;
    for (int i = 0; i < size; i++) {
      members.put(NodeId.of("node-" + (char) ('a' + i)), Endpoint.of("127.0.0.1", freePort()));
    }
    membership = new StaticMembership(members, Q, 3);
    members.keySet().forEach(this::restart);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  @Override
  public List<NodeId> nodes() {
    return new ArrayList<>(members.keySet());
  }

  @Override
  public synchronized DynamoNode node(NodeId id) {
    DynamoNode n = running.get(id);
    if (n == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return n;
  }

  @Override
  public synchronized StorageEngine storage(NodeId id) {
    node(id);
    return storages.get(id);
  }

  @Override
  public KeySpace keySpace() {
    return membership.ring().keySpace();
  }

  @Override
  public PreferenceList preferenceList(String key) {
    return membership.ring().preferenceList(key.getBytes(StandardCharsets.UTF_8), 3);
  }

  /** Returns where {@code id} listens. */
  public Endpoint endpoint(NodeId id) {
    return members.get(id);
  }

  @Override
  public synchronized void kill(NodeId id) {
    DynamoNode n = running.remove(id);
    transports.remove(id);
    storages.remove(id);
    if (n != null) {
      n.close();
    }
  }

  @Override
  public synchronized void restart(NodeId id) {
    RocksDbStorageEngine storage = RocksDbStorageEngine.open(
        RocksDbConfig.newBuilder(root.resolve(id.value())).durability(Durability.SYNC).blockCacheBytes(8 << 20).build());
    NettyTransport netty = NettyTransport.create(NettyTransportConfig.newBuilder(members.get(id))
        .ioThreads(1).handlerThreads(2).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
    FaultyTransport transport = new FaultyTransport(netty, scheduler);
    DynamoNode.Builder b = DynamoNode.newBuilder(id)
        .storage(storage)
        .transport(transport)
        .partitions(Q)
        .replication(Replication.of(3, 2, 2))
        .requestTimeout(requestTimeout)
        .probeInterval(Duration.ofMillis(200))
        .hintDeliveryInterval(Duration.ofMillis(200))
        .maxValueBytes(65536)
        .scheduler(scheduler);
    members.forEach(b::member);
    DynamoNode node = b.build();
    node.start();
    running.put(id, node);
    storages.put(id, storage);
    transports.put(id, transport);
  }

  @Override
  public synchronized void partition(Set<NodeId> a, Set<NodeId> b) {
    block(a, b);
    block(b, a);
  }

  private void block(Set<NodeId> from, Set<NodeId> to) {
    Set<Endpoint> targets = to.stream().map(members::get).collect(Collectors.toSet());
    for (NodeId n : from) {
      FaultyTransport t = transports.get(n);
      if (t != null) {
        t.block(targets);
      }
    }
  }

  @Override
  public synchronized void slow(NodeId id, Duration delay) {
    transports.get(id).delayReplies(delay);
  }

  @Override
  public synchronized void heal() {
    transports.values().forEach(FaultyTransport::heal);
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
    awaitCondition(() -> false, duration, false);
  }

  @Override
  public void awaitCondition(BooleanSupplier condition, Duration limit) {
    awaitCondition(condition, limit, true);
  }

  private static void awaitCondition(BooleanSupplier condition, Duration limit, boolean mustHold) {
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

  @Override
  public synchronized void close() {
    new ArrayList<>(running.keySet()).forEach(this::kill);
    scheduler.close();
  }
}
