package io.dynamokv.examples;

import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.internal.membership.StaticMembership;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
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
import java.util.stream.Collectors;

/**
 * A cluster of real nodes in this JVM, for the demo, tests and the YCSB binding: each node with
 * its own RocksDB directory (SYNC unless told otherwise) and a Netty transport on a loopback
 * port. With fault injection (the demo's and tests' clusters), each transport is wrapped in a
 * {@link FaultyTransport} so that a partition or a slow node can be switched on; without it
 * (the YCSB binding's), requests take the path they take in production. Q = 64, N=3, R=2, W=2.
 */
public final class LocalCluster implements AutoCloseable {

  private static final int Q = 64;

  private final Path root;
  private final Map<NodeId, Endpoint> members = new TreeMap<>();
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LocalCluster.class);

  private final Map<NodeId, DynamoNode> running = new TreeMap<>();
  private final Map<NodeId, StorageEngine> storages = new HashMap<>();
  private final Map<NodeId, FaultyTransport> transports = new HashMap<>();
  private final StaticMembership membership;
  private final ExecutorScheduler scheduler = new ExecutorScheduler("loopback-cluster", 4, Duration.ofSeconds(5));
  private final Duration requestTimeout;
  private final Durability durability;
  private final boolean faultInjection;
  /**
   * The nodes' cluster secret, drawn for this cluster: its connections are authenticated, as in
   * production. Hex text, so that it can be written to a secret file as it is.
   */
  private final byte[] secret;
  /** The clients' secret, drawn likewise: a client of this cluster proves it, and may then only coordinate. */
  private final byte[] clientSecret;

  /**
   * Starts {@code size} nodes with data under {@code root}, each write fsync'd
   * ({@link Durability#SYNC}), with fault injection.
   */
  public LocalCluster(Path root, int size, Duration requestTimeout) {
    this(root, size, requestTimeout, Durability.SYNC, true);
  }

  /**
   * Starts {@code size} nodes with data under {@code root}, their writes as durable as
   * {@code durability}.
   *
   * @param faultInjection whether {@link #partition}, {@link #slow} and {@link #heal} work (each
   *     request then passes a fault switch)
   */
  public LocalCluster(Path root, int size, Duration requestTimeout, Durability durability, boolean faultInjection) {
    this.root = root;
    this.faultInjection = faultInjection;
    byte[] random = new byte[16];
    new java.security.SecureRandom().nextBytes(random);
    this.secret = java.util.HexFormat.of().formatHex(random).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    new java.security.SecureRandom().nextBytes(random);
    this.clientSecret = java.util.HexFormat.of().formatHex(random).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    this.requestTimeout = requestTimeout;
    this.durability = java.util.Objects.requireNonNull(durability, "durability");
    for (int i = 0; i < size; i++) {
      members.put(NodeId.of("node-" + (char) ('a' + i)), Endpoint.of("127.0.0.1", freePort()));
    }
    membership = new StaticMembership(members, Q, 3);
    members.keySet().forEach(this::restart);
    awaitAddressesKnown(Duration.ofSeconds(30));
  }

  /**
   * Waits until every node knows every other at its address of this run. Nodes restarting on
   * the data of an earlier run (the YCSB binding's load, then run) saved the ports of that run;
   * gossip with the configured addresses replaces them within a few rounds, and requests sent
   * meanwhile would go to the old ports and fail.
   */
  private void awaitAddressesKnown(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!addressesKnown()) {
      if (System.nanoTime() > deadline) {
        log.warn("the nodes do not all know each other's addresses after {}; going on", limit);
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  private synchronized boolean addressesKnown() {
    for (DynamoNode node : running.values()) {
      for (io.dynamokv.ClusterStatus.Member m : node.status().members()) {
        if (!m.endpoint().equals(members.get(m.id()))) {
          return false;
        }
      }
    }
    return true;
  }

  /** Every port {@link #freePort()} has handed out in this JVM: none is handed out twice. */
  private static final Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Returns a loopback port that is free now and that this method has not returned before in
   * this JVM, chosen below Linux's ephemeral range (32768 and up), so that the outgoing
   * connections nodes open meanwhile cannot take it before its node binds. A port is only
   * probed, not held, until its node binds: without the record of ports handed out, two nodes
   * of one cluster, whose ports are all chosen before the first binds, could draw the same one.
   */
  public static int freePort() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(System.nanoTime());
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(port)) {
          return s.getLocalPort();
        }
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new IllegalStateException("no free loopback port between 20000 and 32000");
  }

  /** Returns the node ids, sorted. */
  public List<NodeId> nodes() {
    return new ArrayList<>(members.keySet());
  }

  /** Returns the running node {@code id}. */
  public synchronized DynamoNode node(NodeId id) {
    DynamoNode n = running.get(id);
    if (n == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return n;
  }

  /** Returns the storage of the running node {@code id}. */
  public synchronized StorageEngine storage(NodeId id) {
    node(id);
    return storages.get(id);
  }

  /** Returns (a copy of) the nodes' cluster secret. */
  public byte[] secret() {
    return secret.clone();
  }

  /** Returns (a copy of) the clients' secret, for a client of this cluster. */
  public byte[] clientSecret() {
    return clientSecret.clone();
  }

  /** Returns the key space (Q = 64). */
  public KeySpace keySpace() {
    return membership.ring().keySpace();
  }

  /** Returns the preference list of {@code key}, N = 3. */
  public PreferenceList preferenceList(String key) {
    return membership.ring().preferenceList(key.getBytes(StandardCharsets.UTF_8), 3);
  }

  /** Returns where {@code id} listens. */
  public Endpoint endpoint(NodeId id) {
    return members.get(id);
  }

  /** Stops {@code id} (closing its storage and sockets); its data directory stays. */
  public synchronized void kill(NodeId id) {
    DynamoNode n = running.remove(id);
    transports.remove(id);
    storages.remove(id);
    if (n != null) {
      n.close();
    }
  }

  /** Starts {@code id} on its data directory and port. */
  public synchronized void restart(NodeId id) {
    RocksDbStorageEngine storage = RocksDbStorageEngine.open(
        RocksDbConfig.newBuilder(root.resolve(id.value())).durability(durability).blockCacheBytes(8 << 20).build());
    NettyTransport netty = NettyTransport.create(NettyTransportConfig.newBuilder(members.get(id))
        .ioThreads(1).handlerThreads(2).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .clusterSecret(secret).clientSecret(clientSecret).build());
    Transport transport = netty;
    if (faultInjection) {
      FaultyTransport faulty = new FaultyTransport(netty, scheduler);
      transports.put(id, faulty);
      transport = faulty;
    }
    DynamoNodeBuilder b = DynamoNode.newBuilder(id)
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
  }

  /** Drops every request between {@code a} and {@code b}, both ways. */
  public synchronized void partition(Set<NodeId> a, Set<NodeId> b) {
    block(a, b);
    block(b, a);
  }

  private void block(Set<NodeId> from, Set<NodeId> to) {
    requireFaultInjection();
    Set<Endpoint> targets = to.stream().map(members::get).collect(Collectors.toSet());
    for (NodeId n : from) {
      FaultyTransport t = transports.get(n);
      if (t != null) {
        t.block(targets);
      }
    }
  }

  /** Delays every reply of {@code id}. */
  public synchronized void slow(NodeId id, Duration delay) {
    requireFaultInjection();
    transports.get(id).delayReplies(delay);
  }

  /** Ends partitions and slowness. */
  public synchronized void heal() {
    requireFaultInjection();
    transports.values().forEach(FaultyTransport::heal);
  }

  private void requireFaultInjection() {
    if (!faultInjection) {
      throw new IllegalStateException("fault injection is off for this cluster (expected: built with faultInjection true)");
    }
  }

  /** Stops every node. */
  @Override
  public synchronized void close() {
    new ArrayList<>(running.keySet()).forEach(this::kill);
    scheduler.close();
  }
}
