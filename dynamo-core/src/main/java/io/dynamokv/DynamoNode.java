package io.dynamokv;

import io.dynamokv.antientropy.AntiEntropy;
import io.dynamokv.coordinator.NodeRuntime;
import io.dynamokv.membership.StaticMembership;
import io.dynamokv.ring.KeySpace;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Endpoint;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.SystemClock;
import io.dynamokv.spi.Transport;
import io.dynamokv.version.ActorId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a dynamo-kv cluster, running inside your service. Build it with
 * {@link #newBuilder}, {@link #start()} it, open typed {@link Store}s, and {@link #close()} it.
 *
 * <pre>{@code
 * DynamoNode node = DynamoNode.newBuilder(NodeId.of("a"))
 *     .storage(RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dataDir).build()))
 *     .transport(NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("10.0.0.1", 7400)).build()))
 *     .member(NodeId.of("a"), Endpoint.of("10.0.0.1", 7400))
 *     .member(NodeId.of("b"), Endpoint.of("10.0.0.2", 7400))
 *     .member(NodeId.of("c"), Endpoint.of("10.0.0.3", 7400))
 *     .build();
 * node.start();
 * }</pre>
 *
 * <p>The node owns the storage engine and transport it is given: {@link #close()} closes them.
 * Membership is static for now: every node is built with the same member list, from which all
 * compute the same ring. Lifecycle: NEW, then RUNNING after {@code start()}, then CLOSED.
 * Thread-safe.
 */
public final class DynamoNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DynamoNode.class);
  private static final String META_NODE_ID = "node/id";
  private static final String META_INCARNATION = "node/incarnation";

  private enum State { NEW, RUNNING, CLOSED }

  private final NodeId id;
  private final StorageEngine storage;
  private final Transport transport;
  private final StaticMembership membership;
  private final Replication replication;
  private final Duration requestTimeout;
  private final Duration probeInterval;
  private final Duration hintInterval;
  private final int maxKeyBytes;
  private final int maxValueBytes;
  private final boolean hintedHandoff;
  private final Duration antiEntropyInterval;
  private final Map<String, Integer> storeReplicas = new java.util.concurrent.ConcurrentHashMap<>();
  private final Clock clock;
  private final Scheduler scheduler;
  private final ExecutorScheduler ownedScheduler;
  private final RandomGenerator random;
  private State state = State.NEW;
  private NodeRuntime runtime;
  private ActorId actor;

  private DynamoNode(Builder b) {
    id = b.id;
    storage = b.storage;
    transport = b.transport;
    replication = b.replication;
    membership = new StaticMembership(b.members, b.partitions, replication.n());
    requestTimeout = b.requestTimeout;
    probeInterval = b.probeInterval;
    hintInterval = b.hintInterval;
    maxKeyBytes = b.maxKeyBytes;
    maxValueBytes = b.maxValueBytes;
    hintedHandoff = b.hintedHandoff;
    antiEntropyInterval = b.antiEntropyInterval;
    clock = b.clock;
    if (b.scheduler != null) {
      scheduler = b.scheduler;
      ownedScheduler = null;
    } else {
      ownedScheduler = new ExecutorScheduler("dynamo-" + id, 2, Duration.ofSeconds(5));
      scheduler = ownedScheduler;
    }
    random = b.random;
  }

  /** Starts a builder for the node named {@code id}. */
  public static Builder newBuilder(NodeId id) {
    return new Builder(id);
  }

  /**
   * Starts the node: checks the data belongs to it, loads or draws its incarnation, and starts
   * serving requests and its background work (failure probes, hint delivery).
   *
   * @throws IllegalStateException if the node was started before, or the storage holds another
   *     node's data
   */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("node " + id + " is " + state + " (expected: NEW)");
    }
    Optional<byte[]> owner = storage.getMetadata(META_NODE_ID);
    if (owner.isPresent() && !new String(owner.get(), StandardCharsets.UTF_8).equals(id.value())) {
      throw new IllegalStateException("the storage holds the data of node "
          + new String(owner.get(), StandardCharsets.UTF_8) + " (expected: " + id + ")");
    }
    Optional<Long> kept = storage.getMetadata(META_INCARNATION).map(b -> ByteBuffer.wrap(b).getLong());
    long incarnation;
    if (kept.isPresent() && storage.openedAfterCleanClose()) {
      incarnation = kept.get();
    } else {
      // A data directory seen for the first time (new, or wiped) gets a fresh actor identity, so
      // this node's new versions are never confused with ones it made before a wipe. So does one
      // that was not closed cleanly: it may have lost its last writes, whose versions other
      // replicas already hold, and must not hand out their dots again.
      incarnation = random.nextLong();
      if (kept.isPresent()) {
        log.warn("node {} was not stopped cleanly: taking a new incarnation", id);
      }
      storage.putMetadata(META_NODE_ID, id.value().getBytes(StandardCharsets.UTF_8)).join();
      storage.putMetadata(META_INCARNATION, ByteBuffer.allocate(8).putLong(incarnation).array()).join();
    }
    actor = ActorId.of(id, incarnation);
    runtime = NodeRuntime.start(new NodeRuntime.Settings(id, actor, membership, storage, transport, scheduler, clock,
        requestTimeout, probeInterval, hintInterval, 100, hintedHandoff, antiEntropyInterval,
        store -> storeReplicas.getOrDefault(store, replication.n())));
    state = State.RUNNING;
    log.info("node {} running at {}: actor {}, {} members, Q={}, default {}, request timeout {}, max key {} B, "
            + "max value {} B", id, transport.localEndpoint(), actor, membership.size(),
        membership.ring().partitionCount(), replication, requestTimeout, maxKeyBytes, maxValueBytes);
  }

  /** Opens the store {@code name} with the node's replication and no resolver: reads return all siblings. */
  public <V> Store<V> store(String name, Codec<V> codec) {
    return open(name, codec, Optional.empty(), replication);
  }

  /** Opens the store {@code name}; reads merge siblings with {@code resolver}. */
  public <V> Store<V> store(String name, Codec<V> codec, ConflictResolver<V> resolver) {
    return open(name, codec, Optional.of(Objects.requireNonNull(resolver, "resolver")), replication);
  }

  /** Opens the store {@code name} with its own N, R and W, and no resolver. */
  public <V> Store<V> store(String name, Codec<V> codec, Replication replication) {
    return open(name, codec, Optional.empty(), replication);
  }

  /** Opens the store {@code name} with its own N, R and W, merging siblings with {@code resolver}. */
  public <V> Store<V> store(String name, Codec<V> codec, ConflictResolver<V> resolver, Replication replication) {
    return open(name, codec, Optional.of(Objects.requireNonNull(resolver, "resolver")), replication);
  }

  private synchronized <V> Store<V> open(String name, Codec<V> codec, Optional<ConflictResolver<V>> resolver,
      Replication replication) {
    StorageKey.validateStore(name);
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(replication, "replication");
    if (replication.n() > membership.size()) {
      throw new IllegalArgumentException("n : " + replication.n() + " (expected: <= cluster size = " + membership.size() + ")");
    }
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + id + " is " + state + " (expected: RUNNING); start() it first");
    }
    Integer known = storeReplicas.putIfAbsent(name, replication.n());
    if (known != null && known != replication.n()) {
      throw new IllegalArgumentException("store " + name + " n : " + replication.n() + " (expected: " + known
          + ", as it was opened before)");
    }
    return new Store<>(name, codec, resolver, replication, runtime.coordinator(), scheduler::execute, requestTimeout,
        maxKeyBytes, maxValueBytes);
  }

  /** Returns the node's id. */
  public NodeId id() {
    return id;
  }

  /** Returns where the node serves requests. */
  public Endpoint endpoint() {
    return transport.localEndpoint();
  }

  /** Returns the node's actor id (its id and incarnation), once started. */
  public synchronized ActorId actor() {
    if (actor == null) {
      throw new NodeNotRunningException("node " + id + " is " + state + ": it has no actor id before start()");
    }
    return actor;
  }

  /**
   * Returns the node's counters: reads, writes, hints stored and delivered, read repairs, peers
   * marked down, anti-entropy exchanges and keys repaired.
   */
  public synchronized Map<String, Long> metrics() {
    if (runtime == null) {
      return Map.of();
    }
    Map<String, Long> all = new java.util.TreeMap<>(runtime.metrics().snapshot());
    all.putAll(runtime.antiEntropy().metrics());
    return all;
  }

  /**
   * Runs an anti-entropy pass now: compares every partition this node replicates with the other
   * replicas' Merkle trees and repairs the differences, both ways. For operators and tests; passes
   * also run every anti-entropy interval.
   */
  public synchronized CompletableFuture<AntiEntropy.Report> repairAsync() {
    if (state != State.RUNNING) {
      return CompletableFuture.failedFuture(new NodeNotRunningException("node " + id + " is " + state));
    }
    return runtime.antiEntropy().repairNow();
  }

  /** Returns the peers this node currently believes down. */
  public synchronized java.util.Set<NodeId> peersBelievedDown() {
    return runtime == null ? java.util.Set.of() : runtime.health().downPeers();
  }

  /** Stops the node and closes its transport and storage. Idempotent. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    State was = state;
    state = State.CLOSED;
    if (runtime != null) {
      runtime.stop();
    }
    transport.close();
    storage.close();
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    log.info("node {} closed (was {})", id, was);
  }

  @Override
  public String toString() {
    return "DynamoNode{" + id + ", " + state + "}";
  }

  /** Collects a node's settings; each may be set once, and {@link #build()} checks them together. */
  public static final class Builder {
    private final NodeId id;
    private StorageEngine storage;
    private Transport transport;
    private final Map<NodeId, Endpoint> members = new LinkedHashMap<>();
    private int partitions = 256;
    private Replication replication = Replication.of(3, 2, 2);
    private Duration requestTimeout = Duration.ofSeconds(2);
    private Duration probeInterval = Duration.ofSeconds(1);
    private Duration hintInterval = Duration.ofSeconds(1);
    private int maxKeyBytes = 1024;
    private int maxValueBytes = 1 << 20;
    private boolean hintedHandoff = true;
    private Duration antiEntropyInterval = Duration.ofSeconds(30);
    private Clock clock = SystemClock.INSTANCE;
    private Scheduler scheduler;
    private RandomGenerator random;
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder(NodeId id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    private void once(String setting) {
      if (!set.add(setting)) {
        throw new IllegalStateException(setting + " was already set");
      }
    }

    /** The storage engine (required); the node closes it. */
    public Builder storage(StorageEngine storage) {
      once("storage");
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** The transport (required), created at this node's listen address; the node closes it. */
    public Builder transport(Transport transport) {
      once("transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Adds a member of the cluster, this node included. */
    public Builder member(NodeId node, Endpoint endpoint) {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(endpoint, "endpoint");
      if (members.putIfAbsent(node, endpoint) != null) {
        throw new IllegalStateException("member " + node + " was already added at " + members.get(node));
      }
      return this;
    }

    /** Q, the number of partitions, the same on every node; default 256. */
    public Builder partitions(int partitions) {
      once("partitions");
      new KeySpace(partitions);
      this.partitions = partitions;
      return this;
    }

    /** The default N, R, W of stores; default 3, 2, 2. */
    public Builder replication(Replication replication) {
      once("replication");
      this.replication = Objects.requireNonNull(replication, "replication");
      return this;
    }

    /** The default deadline of reads and writes; default 2 s. */
    public Builder requestTimeout(Duration timeout) {
      once("requestTimeout");
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /** How often peers believed down are probed; default 1 s. */
    public Builder probeInterval(Duration interval) {
      once("probeInterval");
      this.probeInterval = positive("probeInterval", interval);
      return this;
    }

    /** How often held hints are offered to their owners; default 1 s. */
    public Builder hintDeliveryInterval(Duration interval) {
      once("hintDeliveryInterval");
      this.hintInterval = positive("hintDeliveryInterval", interval);
      return this;
    }

    /** The longest key, in UTF-8 bytes; default 1024, at most 65536. */
    public Builder maxKeyBytes(int bytes) {
      once("maxKeyBytes");
      if (bytes < 1 || bytes > StorageKey.MAX_KEY_BYTES) {
        throw new IllegalArgumentException("maxKeyBytes : " + bytes + " (expected: 1.." + StorageKey.MAX_KEY_BYTES + ")");
      }
      this.maxKeyBytes = bytes;
      return this;
    }

    /** The longest encoded value; default 1 MiB, at most 8 MiB. */
    public Builder maxValueBytes(int bytes) {
      once("maxValueBytes");
      if (bytes < 1 || bytes > 8 << 20) {
        throw new IllegalArgumentException("maxValueBytes : " + bytes + " (expected: 1.." + (8 << 20) + ")");
      }
      this.maxValueBytes = bytes;
      return this;
    }

    /**
     * Whether a write may use fallback nodes with hints when replicas are down (sloppy quorum,
     * the default). With false, the quorum is strict: only the key's N replicas count, and a
     * replica that misses a write is repaired by read repair and anti-entropy alone.
     */
    public Builder hintedHandoff(boolean enabled) {
      once("hintedHandoff");
      this.hintedHandoff = enabled;
      return this;
    }

    /** How often an anti-entropy pass runs; default 30 s. */
    public Builder antiEntropyInterval(Duration interval) {
      once("antiEntropyInterval");
      this.antiEntropyInterval = positive("antiEntropyInterval", interval);
      return this;
    }

    /** The clock; default the system's. Simulations pass a virtual one. */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The scheduler for background work and callbacks; default a pool of two threads the node owns. */
    public Builder scheduler(Scheduler scheduler) {
      once("scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The random source (incarnations); default seeded from SecureRandom. Simulations pass a seeded one. */
    public Builder random(RandomGenerator random) {
      once("random");
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    private static Duration positive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " : " + d + " (expected: > 0)");
      }
      return d;
    }

    /** Checks the settings together and returns the node, not yet started. */
    public DynamoNode build() {
      if (storage == null) {
        throw new IllegalStateException("storage is required (e.g. RocksDbStorageEngine.open(...))");
      }
      if (transport == null) {
        throw new IllegalStateException("transport is required (e.g. NettyTransport.create(...))");
      }
      if (!members.containsKey(id)) {
        throw new IllegalStateException("members " + members.keySet() + " (expected: to include this node, " + id + ")");
      }
      if (replication.n() > members.size()) {
        throw new IllegalArgumentException("n : " + replication.n() + " (expected: <= cluster size = " + members.size() + ")");
      }
      if (random == null) {
        random = new java.util.SplittableRandom(new SecureRandom().nextLong());
      }
      return new DynamoNode(this);
    }
  }
}
