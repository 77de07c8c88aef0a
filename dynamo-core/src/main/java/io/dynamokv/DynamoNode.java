package io.dynamokv;

import static io.dynamokv.internal.Checks.requireInRange;
import static io.dynamokv.internal.Checks.requirePositive;
import static io.dynamokv.internal.Checks.requireUnset;

import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.node.NodeRuntime;
import io.dynamokv.internal.node.NodeSettings;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.ring.Member;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.SystemClock;
import io.dynamokv.spi.Transport;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>A cluster is founded by nodes built with the same {@link Builder#member member} list; a node
 * added later is built with {@link Builder#seed seeds} instead, and joins: partitions move to it
 * while the cluster keeps serving ({@link #joinedAsync()} says when it is done). Nodes gossip
 * their membership and ring, and keep them in storage, so a restarted node needs neither list.
 * {@link #leaveAsync()} decommissions this node; {@link #removeNode} declares another one gone.
 *
 * <p>The node owns the storage engine and transport it is given: {@link #close()} closes them.
 * Lifecycle: NEW, then RUNNING after {@code start()}, then CLOSED. Thread-safe.
 */
public final class DynamoNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DynamoNode.class);

  static {
    NodeAccess.install(node -> node.running());
  }

  private enum State { NEW, RUNNING, CLOSED }

  private final NodeSettings settings;
  private final Map<String, Integer> storeReplicas = new ConcurrentHashMap<>();
  private State state = State.NEW;
  private NodeRuntime runtime;

  private DynamoNode(NodeSettings settings) {
    this.settings = settings;
  }

  /** Starts a builder for the node named {@code id}. */
  public static Builder newBuilder(NodeId id) {
    return new Builder(id);
  }

  /**
   * Starts the node: checks the data belongs to it, loads or draws its incarnation, and starts
   * serving requests and its background work (gossip, failure probes, hint delivery,
   * anti-entropy, partition transfer).
   *
   * @throws IllegalStateException if the node was started before, or the storage holds another
   *     node's data
   */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("node " + settings.id() + " is " + state + " (expected: NEW)");
    }
    runtime = NodeRuntime.start(settings, store -> storeReplicas.getOrDefault(store, settings.replication().n()));
    state = State.RUNNING;
  }

  /**
   * Returns a future that completes once this node is a full member: at once for a founding or
   * restarted member, and for a joining node once its partitions have moved to it and the ring
   * that includes it is committed.
   */
  public CompletableFuture<Void> joinedAsync() {
    return runningAsync().thenCompose(NodeRuntime::joined);
  }

  /**
   * Decommissions this node: it stops owning partitions, which move to the other nodes while the
   * cluster keeps serving. The future completes when the move is done and the node is LEFT; then
   * {@link #close()} it.
   */
  public CompletableFuture<Void> leaveAsync() {
    return runningAsync().thenCompose(NodeRuntime::leave);
  }

  /**
   * Declares {@code node} gone for good (it cannot leave by itself: its disk died): it becomes
   * LEFT everywhere, and the partitions it held are copied to their new owners from the other
   * replicas. A node that is only down for a while should not be removed: hinted handoff and
   * anti-entropy cover it when it returns.
   *
   * @throws IllegalArgumentException if {@code node} is this node or not a member
   */
  public void removeNode(NodeId node) {
    Objects.requireNonNull(node, "node");
    running().remove(node);
  }

  /** Returns what this node knows of the cluster: members, their status and share, and its hint backlog. */
  public ClusterStatus status() {
    return running().status();
  }

  /** Opens the store {@code name} with the node's replication and no resolver: reads return all siblings. */
  public <V> Store<V> store(String name, Codec<V> codec) {
    return open(name, codec, Optional.empty(), settings.replication());
  }

  /** Opens the store {@code name}; reads merge siblings with {@code resolver}. */
  public <V> Store<V> store(String name, Codec<V> codec, ConflictResolver<V> resolver) {
    return open(name, codec, Optional.of(Objects.requireNonNull(resolver, "resolver")), settings.replication());
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
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + settings.id() + " is " + state + " (expected: RUNNING); start() it first");
    }
    int clusterSize = runtime.membership().state().committed().map(r -> r.nodes().size()).orElse(Integer.MAX_VALUE);
    if (replication.n() > clusterSize) {
      throw new IllegalArgumentException("n : " + replication.n() + " (expected: <= cluster size = " + clusterSize + ")");
    }
    Integer known = storeReplicas.putIfAbsent(name, replication.n());
    if (known != null && known != replication.n()) {
      throw new IllegalArgumentException("store " + name + " n : " + replication.n() + " (expected: " + known
          + ", as it was opened before)");
    }
    return new Store<>(name, codec, resolver, replication, runtime.coordinator(), runtime.scheduler()::execute,
        settings.requestTimeout(), settings.maxKeyBytes(), settings.maxValueBytes());
  }

  /** Returns the node's id. */
  public NodeId id() {
    return settings.id();
  }

  /** Returns where the node serves requests. */
  public Endpoint endpoint() {
    return settings.transport().localEndpoint();
  }

  /**
   * Returns the node's counters: reads, writes, hints stored and delivered, read repairs, peers
   * marked down, anti-entropy exchanges and keys repaired, and the storage engine's own (named
   * {@code storage.*}; with RocksDB, fsyncs of the write-ahead log and update-cache hits).
   */
  public synchronized Map<String, Long> metrics() {
    return runtime == null ? Map.of() : runtime.metrics();
  }

  /**
   * Runs an anti-entropy pass now: compares every partition this node replicates with the other
   * replicas' Merkle trees and repairs the differences, both ways. For operators and tests; passes
   * also run every anti-entropy interval.
   */
  public CompletableFuture<RepairReport> repairAsync() {
    return runningAsync().thenCompose(NodeRuntime::repair);
  }

  /** Returns the peers this node currently believes down. */
  public synchronized Set<NodeId> peersBelievedDown() {
    return runtime == null ? Set.of() : runtime.downPeers();
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
      runtime.close();
    } else {
      settings.transport().close();
      settings.storage().close();
    }
    log.info("node {} closed (was {})", settings.id(), was);
  }

  @Override
  public String toString() {
    return "DynamoNode{" + settings.id() + ", " + state + "}";
  }

  private synchronized NodeRuntime running() {
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + settings.id() + " is " + state);
    }
    return runtime;
  }

  private CompletableFuture<NodeRuntime> runningAsync() {
    try {
      return CompletableFuture.completedFuture(running());
    } catch (NodeNotRunningException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Collects a node's settings. Each may be set once (a second call throws
   * {@link IllegalStateException}; a value that failed its check does not count as set), and
   * {@link #build()} checks them together. Not thread-safe.
   */
  public static final class Builder {
    private final NodeId id;
    private final Map<NodeId, Endpoint> members = new LinkedHashMap<>();
    private final List<Endpoint> seeds = new ArrayList<>();
    private StorageEngine storage;
    private Transport transport;
    private Integer partitions;
    private Replication replication;
    private Integer weight;
    private Duration gossipInterval;
    private Double phiThreshold;
    private Duration requestTimeout;
    private Duration probeInterval;
    private Duration hintInterval;
    private Boolean hintedHandoff;
    private Duration antiEntropyInterval;
    private Long transferRate;
    private Integer maxKeyBytes;
    private Integer maxValueBytes;
    private Clock clock;
    private Scheduler scheduler;
    private RandomGenerator random;

    private Builder(NodeId id) {
      this.id = Objects.requireNonNull(id, "id");
    }

    /** The storage engine (required); the node closes it. */
    public Builder storage(StorageEngine storage) {
      requireUnset(this.storage, "storage");
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /** The transport (required), created at this node's listen address; the node closes it. */
    public Builder transport(Transport transport) {
      requireUnset(this.transport, "transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Adds a founding member of a new cluster, this node included; every founder is built with
     * the same list. A node joining an existing cluster uses {@link #seed} instead. Ignored when
     * the node restarts on data that holds its membership.
     */
    public Builder member(NodeId node, Endpoint endpoint) {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(endpoint, "endpoint");
      if (members.putIfAbsent(node, endpoint) != null) {
        throw new IllegalStateException("member " + node + " was already added at " + members.get(node));
      }
      return this;
    }

    /**
     * Adds a seed: a node of the cluster that this node gossips with to join it, and now and then
     * afterwards so that split groups find each other again. Any member can be a seed.
     */
    public Builder seed(Endpoint endpoint) {
      Objects.requireNonNull(endpoint, "endpoint");
      if (!seeds.contains(endpoint)) {
        seeds.add(endpoint);
      }
      return this;
    }

    /** Q, the number of partitions of a new cluster (founders only; a joining node learns it); default 256. */
    public Builder partitions(int partitions) {
      requireUnset(this.partitions, "partitions");
      new KeySpace(partitions);
      this.partitions = partitions;
      return this;
    }

    /** The default N, R, W of stores; default 3, 2, 2. */
    public Builder replication(Replication replication) {
      requireUnset(this.replication, "replication");
      this.replication = Objects.requireNonNull(replication, "replication");
      return this;
    }

    /** This node's share of the partitions relative to others (its capacity); default 1. */
    public Builder weight(int weight) {
      requireUnset(this.weight, "weight");
      this.weight = requireInRange("weight", weight, 1, Member.MAX_WEIGHT);
      return this;
    }

    /** How often the node gossips with a peer; default 1 s. */
    public Builder gossipInterval(Duration interval) {
      requireUnset(gossipInterval, "gossipInterval");
      gossipInterval = requirePositive("gossipInterval", interval);
      return this;
    }

    /**
     * The suspicion (phi) of the accrual failure detector above which a peer whose gossip
     * heartbeats stopped is believed down; default 8, as in Cassandra. Lower detects sooner and
     * errs more often.
     */
    public Builder phiThreshold(double threshold) {
      requireUnset(phiThreshold, "phiThreshold");
      if (!(threshold > 0) || threshold > 100) {
        throw new IllegalArgumentException("phiThreshold : " + threshold + " (expected: > 0 and <= 100)");
      }
      phiThreshold = threshold;
      return this;
    }

    /** The default deadline of reads and writes; default 2 s. */
    public Builder requestTimeout(Duration timeout) {
      requireUnset(requestTimeout, "requestTimeout");
      requestTimeout = requirePositive("requestTimeout", timeout);
      return this;
    }

    /** How often peers believed down are probed; default 1 s. */
    public Builder probeInterval(Duration interval) {
      requireUnset(probeInterval, "probeInterval");
      probeInterval = requirePositive("probeInterval", interval);
      return this;
    }

    /** How often held hints are offered to their owners; default 1 s. */
    public Builder hintDeliveryInterval(Duration interval) {
      requireUnset(hintInterval, "hintDeliveryInterval");
      hintInterval = requirePositive("hintDeliveryInterval", interval);
      return this;
    }

    /**
     * Whether a write may use fallback nodes with hints when replicas are down (sloppy quorum,
     * the default). With false, the quorum is strict: only the key's N replicas count, and a
     * replica that misses a write is repaired by read repair and anti-entropy alone.
     */
    public Builder hintedHandoff(boolean enabled) {
      requireUnset(hintedHandoff, "hintedHandoff");
      hintedHandoff = enabled;
      return this;
    }

    /** How often an anti-entropy pass runs; default 30 s. */
    public Builder antiEntropyInterval(Duration interval) {
      requireUnset(antiEntropyInterval, "antiEntropyInterval");
      antiEntropyInterval = requirePositive("antiEntropyInterval", interval);
      return this;
    }

    /** The most bytes per second this node receives when partitions move to it; default 32 MiB/s. */
    public Builder transferRate(long bytesPerSecond) {
      requireUnset(transferRate, "transferRate");
      if (bytesPerSecond < 1024) {
        throw new IllegalArgumentException("transferRate : " + bytesPerSecond + " (expected: >= 1024 bytes per second)");
      }
      transferRate = bytesPerSecond;
      return this;
    }

    /** The longest key, in UTF-8 bytes; default 1024, at most 65536. */
    public Builder maxKeyBytes(int bytes) {
      requireUnset(maxKeyBytes, "maxKeyBytes");
      maxKeyBytes = requireInRange("maxKeyBytes", bytes, 1, StorageKey.MAX_KEY_BYTES);
      return this;
    }

    /** The longest encoded value; default 1 MiB, at most 8 MiB. */
    public Builder maxValueBytes(int bytes) {
      requireUnset(maxValueBytes, "maxValueBytes");
      maxValueBytes = requireInRange("maxValueBytes", bytes, 1, 8 << 20);
      return this;
    }

    /** The clock; default the system's. Simulations pass a virtual one. */
    public Builder clock(Clock clock) {
      requireUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The scheduler for background work and callbacks; default a pool of two threads the node owns. */
    public Builder scheduler(Scheduler scheduler) {
      requireUnset(this.scheduler, "scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The random source (incarnations, gossip peers); default seeded from SecureRandom. Simulations pass a seeded one. */
    public Builder random(RandomGenerator random) {
      requireUnset(this.random, "random");
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Checks the settings together and returns the node, not yet started. */
    public DynamoNode build() {
      if (storage == null) {
        throw new IllegalStateException("storage is required (e.g. RocksDbStorageEngine.open(...))");
      }
      if (transport == null) {
        throw new IllegalStateException("transport is required (e.g. NettyTransport.create(...))");
      }
      if (members.isEmpty() && seeds.isEmpty()) {
        throw new IllegalStateException("members and seeds are empty (expected: the founding members, "
            + "this node included, or seeds of the cluster to join)");
      }
      if (!members.isEmpty() && !members.containsKey(id)) {
        throw new IllegalStateException("members " + members.keySet() + " (expected: to include this node, " + id + ")");
      }
      Replication r = Objects.requireNonNullElse(replication, Replication.of(3, 2, 2));
      if (!members.isEmpty() && r.n() > members.size()) {
        throw new IllegalArgumentException("n : " + r.n() + " (expected: <= cluster size = " + members.size() + ")");
      }
      return new DynamoNode(new NodeSettings(id, storage, transport, members, seeds,
          Objects.requireNonNullElse(partitions, 256), r, Objects.requireNonNullElse(weight, 1),
          Objects.requireNonNullElse(gossipInterval, Duration.ofSeconds(1)),
          Objects.requireNonNullElse(phiThreshold, 8.0),
          Objects.requireNonNullElse(requestTimeout, Duration.ofSeconds(2)),
          Objects.requireNonNullElse(probeInterval, Duration.ofSeconds(1)),
          Objects.requireNonNullElse(hintInterval, Duration.ofSeconds(1)),
          Objects.requireNonNullElse(hintedHandoff, true),
          Objects.requireNonNullElse(antiEntropyInterval, Duration.ofSeconds(30)),
          Objects.requireNonNullElse(transferRate, 32L << 20),
          Objects.requireNonNullElse(maxKeyBytes, 1024), Objects.requireNonNullElse(maxValueBytes, 1 << 20),
          Objects.requireNonNullElse(clock, SystemClock.INSTANCE), Optional.ofNullable(scheduler),
          random != null ? random : new SplittableRandom(new SecureRandom().nextLong())));
    }
  }
}
