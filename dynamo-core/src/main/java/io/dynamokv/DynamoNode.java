package io.dynamokv;

import io.dynamokv.internal.antientropy.AntiEntropy;
import io.dynamokv.internal.coordinator.NodeRuntime;
import io.dynamokv.internal.membership.ClusterState;
import io.dynamokv.internal.membership.GossipMembership;
import io.dynamokv.internal.membership.PhiAccrualDetector;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.wire.MemberState;
import io.dynamokv.internal.wire.MemberStatus;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.SystemClock;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.version.ActorId;
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
  private static final String META_NODE_ID = "node/id";
  private static final String META_INCARNATION = "node/incarnation";
  private static final String META_GENERATION = "node/generation";

  private enum State { NEW, RUNNING, CLOSED }

  private final NodeId id;
  private final StorageEngine storage;
  private final Transport transport;
  private final Map<NodeId, Endpoint> founders;
  private final java.util.List<Endpoint> seeds;
  private final int partitions;
  private final Duration gossipInterval;
  private final double phiThreshold;
  private final int weight;
  private final long transferBytesPerSecond;
  private GossipMembership membership;
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
    founders = Map.copyOf(b.members);
    seeds = java.util.List.copyOf(b.seeds);
    partitions = b.partitions;
    gossipInterval = b.gossipInterval;
    phiThreshold = b.phiThreshold;
    weight = b.weight;
    transferBytesPerSecond = b.transferBytesPerSecond;
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
    // Gossip orders a node's runs by generation: later than any before, even if the clock went back.
    long generation = Math.max(clock.currentTimeMillis(),
        storage.getMetadata(META_GENERATION).map(b -> ByteBuffer.wrap(b).getLong() + 1).orElse(Long.MIN_VALUE));
    storage.putMetadata(META_GENERATION, ByteBuffer.allocate(8).putLong(generation).array()).join();
    // The founders' addresses serve as seeds too. A node restarting on saved state knows its
    // peers at the addresses they had then; if the whole cluster restarted on new ones (ports
    // picked afresh, new hosts), gossip to those alone would never reach anyone, while the
    // configured addresses lead to the peers, whose newer entries then replace the old.
    java.util.List<Endpoint> contacts = new java.util.ArrayList<>(seeds);
    founders.forEach((member, endpoint) -> {
      if (!member.equals(id) && !contacts.contains(endpoint)) {
        contacts.add(endpoint);
      }
    });
    GossipMembership.Settings ms = new GossipMembership.Settings(id, transport.localEndpoint(), generation, weight,
        contacts, gossipInterval, requestTimeout, replication.n());
    ClusterState initial = GossipMembership.initialState(ms, storage, founders, partitions);
    membership = new GossipMembership(ms, initial, transport, storage, scheduler, clock, random,
        new PhiAccrualDetector(phiThreshold, gossipInterval.toMillis()));
    runtime = NodeRuntime.start(new NodeRuntime.Settings(id, actor, membership, storage, transport, scheduler, clock,
        requestTimeout, probeInterval, hintInterval, 100, hintedHandoff, antiEntropyInterval,
        store -> storeReplicas.getOrDefault(store, replication.n()), transferBytesPerSecond, gossipInterval));
    state = State.RUNNING;
    log.info("node {} running at {}: actor {}, {}, default {}, request timeout {}, gossip every {}, phi threshold {}, "
            + "transfers at most {} B/s, max key {} B, max value {} B", id, transport.localEndpoint(), actor, initial,
        replication, requestTimeout, gossipInterval, phiThreshold, transferBytesPerSecond, maxKeyBytes, maxValueBytes);
  }

  /**
   * Returns a future that completes once this node is a full member: at once for a founding or
   * restarted member, and for a joining node once its partitions have moved to it and the ring
   * that includes it is committed.
   */
  public synchronized CompletableFuture<Void> joinedAsync() {
    if (state != State.RUNNING) {
      return CompletableFuture.failedFuture(new NodeNotRunningException("node " + id + " is " + state));
    }
    CompletableFuture<Void> joined = new CompletableFuture<>();
    java.util.function.Consumer<ClusterState> check = s -> {
      if (s.member(id).map(m -> m.status() == MemberStatus.UP).orElse(false)) {
        joined.complete(null);
      }
    };
    membership.onChange(check);
    check.accept(membership.state());
    return joined;
  }

  /**
   * Decommissions this node: it stops owning partitions, which move to the other nodes while the
   * cluster keeps serving. The future completes when the move is done and the node is LEFT; then
   * {@link #close()} it.
   */
  public synchronized CompletableFuture<Void> leaveAsync() {
    if (state != State.RUNNING) {
      return CompletableFuture.failedFuture(new NodeNotRunningException("node " + id + " is " + state));
    }
    return membership.leave();
  }

  /**
   * Declares {@code node} gone for good (it cannot leave by itself: its disk died): it becomes
   * LEFT everywhere, and the partitions it held are copied to their new owners from the other
   * replicas. A node that is only down for a while should not be removed: hinted handoff and
   * anti-entropy cover it when it returns.
   *
   * @throws IllegalArgumentException if {@code node} is this node or not a member
   */
  public synchronized void removeNode(NodeId node) {
    Objects.requireNonNull(node, "node");
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + id + " is " + state);
    }
    membership.remove(node);
  }

  /** Returns what this node knows of the cluster: members, their status and share, and its hint backlog. */
  public synchronized ClusterStatus status() {
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + id + " is " + state);
    }
    ClusterState s = membership.state();
    Map<NodeId, Integer> owned = s.committed().map(Ring::ownershipCounts).orElse(Map.of());
    Map<NodeId, Integer> pending = s.pending().map(Ring::ownershipCounts).orElse(owned);
    long now = clock.currentTimeMillis();
    java.util.List<ClusterStatus.Member> members = new java.util.ArrayList<>();
    for (MemberState m : s.members().values()) {
      members.add(new ClusterStatus.Member(m.id(), m.endpoint(), m.status().name(),
          runtime.health().isUp(m.id()), m.id().equals(id) ? 0 : membership.detector().phi(m.id(), now),
          owned.getOrDefault(m.id(), 0), pending.getOrDefault(m.id(), 0)));
    }
    long backlog = 0;
    for (NodeId target : storage.hintTargets()) {
      backlog += storage.hints(target, 100_000).size();
    }
    return new ClusterStatus(id, s.committedId().version(),
        s.pending().map(Ring::version), s.committed().map(Ring::partitionCount).orElse(0), members, backlog);
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
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + id + " is " + state + " (expected: RUNNING); start() it first");
    }
    Optional<Ring> ring = membership.state().committed();
    if (ring.isPresent() && replication.n() > ring.get().nodes().size()) {
      throw new IllegalArgumentException("n : " + replication.n() + " (expected: <= cluster size = "
          + ring.get().nodes().size() + ")");
    }
    Integer known = storeReplicas.putIfAbsent(name, replication.n());
    if (known != null && known != replication.n()) {
      throw new IllegalArgumentException("store " + name + " n : " + replication.n() + " (expected: " + known
          + ", as it was opened before)");
    }
    return new Store<>(name, codec, resolver, replication, runtime.coordinator(), scheduler::execute, requestTimeout,
        maxKeyBytes, maxValueBytes);
  }

  /**
   * Returns the committed ring this node routes by: which nodes replicate which partitions. For
   * tools and tests (the testkit's convergence checker takes it).
   *
   * @throws NodeNotRunningException if the node is not running or has not learned a ring yet
   */
  public synchronized io.dynamokv.internal.ring.Ring ring() {
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + id + " is " + state);
    }
    return membership.ring();
  }

  /** Returns the membership service (for tests in this package). */
  synchronized GossipMembership membership() {
    if (membership == null) {
      throw new NodeNotRunningException("node " + id + " is " + state);
    }
    return membership;
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
   * marked down, anti-entropy exchanges and keys repaired, and the storage engine's own (named
   * {@code storage.*}; with RocksDB, fsyncs of the write-ahead log and update-cache hits).
   */
  public synchronized Map<String, Long> metrics() {
    if (runtime == null) {
      return Map.of();
    }
    return runtime.metrics();
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
    return runtime == null ? java.util.Set.of() : runtime.downPeers();
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
    private final java.util.List<Endpoint> seeds = new java.util.ArrayList<>();
    private Duration gossipInterval = Duration.ofSeconds(1);
    private double phiThreshold = 8;
    private int weight = 1;
    private long transferBytesPerSecond = 32L << 20;
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

    /** Fails if {@code setting} was set; the setter records it only once its value passed its checks. */
    private void once(String setting) {
      if (set.contains(setting)) {
        throw new IllegalStateException(setting + " was already set");
      }
    }

    /** The storage engine (required); the node closes it. */
    public Builder storage(StorageEngine storage) {
      once("storage");
      this.storage = Objects.requireNonNull(storage, "storage");
      set.add("storage");
      return this;
    }

    /** The transport (required), created at this node's listen address; the node closes it. */
    public Builder transport(Transport transport) {
      once("transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      set.add("transport");
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

    /** How often the node gossips with a peer; default 1 s. */
    public Builder gossipInterval(Duration interval) {
      once("gossipInterval");
      this.gossipInterval = positive("gossipInterval", interval);
      set.add("gossipInterval");
      return this;
    }

    /**
     * The suspicion (phi) of the accrual failure detector above which a peer whose gossip
     * heartbeats stopped is believed down; default 8, as in Cassandra. Lower detects sooner and
     * errs more often.
     */
    public Builder phiThreshold(double threshold) {
      once("phiThreshold");
      if (!(threshold > 0) || threshold > 100) {
        throw new IllegalArgumentException("phiThreshold : " + threshold + " (expected: > 0 and <= 100)");
      }
      this.phiThreshold = threshold;
      set.add("phiThreshold");
      return this;
    }

    /** This node's share of the partitions relative to others (its capacity); default 1. */
    public Builder weight(int weight) {
      once("weight");
      if (weight < 1 || weight > io.dynamokv.internal.ring.Member.MAX_WEIGHT) {
        throw new IllegalArgumentException("weight : " + weight + " (expected: 1.." + io.dynamokv.internal.ring.Member.MAX_WEIGHT + ")");
      }
      this.weight = weight;
      set.add("weight");
      return this;
    }

    /** The most bytes per second this node receives when partitions move to it; default 32 MiB/s. */
    public Builder transferRate(long bytesPerSecond) {
      once("transferRate");
      if (bytesPerSecond < 1024) {
        throw new IllegalArgumentException("transferRate : " + bytesPerSecond + " (expected: >= 1024 bytes per second)");
      }
      this.transferBytesPerSecond = bytesPerSecond;
      set.add("transferRate");
      return this;
    }

    /** Q, the number of partitions of a new cluster (founders only; a joining node learns it); default 256. */
    public Builder partitions(int partitions) {
      once("partitions");
      new KeySpace(partitions);
      this.partitions = partitions;
      set.add("partitions");
      return this;
    }

    /** The default N, R, W of stores; default 3, 2, 2. */
    public Builder replication(Replication replication) {
      once("replication");
      this.replication = Objects.requireNonNull(replication, "replication");
      set.add("replication");
      return this;
    }

    /** The default deadline of reads and writes; default 2 s. */
    public Builder requestTimeout(Duration timeout) {
      once("requestTimeout");
      this.requestTimeout = positive("requestTimeout", timeout);
      set.add("requestTimeout");
      return this;
    }

    /** How often peers believed down are probed; default 1 s. */
    public Builder probeInterval(Duration interval) {
      once("probeInterval");
      this.probeInterval = positive("probeInterval", interval);
      set.add("probeInterval");
      return this;
    }

    /** How often held hints are offered to their owners; default 1 s. */
    public Builder hintDeliveryInterval(Duration interval) {
      once("hintDeliveryInterval");
      this.hintInterval = positive("hintDeliveryInterval", interval);
      set.add("hintDeliveryInterval");
      return this;
    }

    /** The longest key, in UTF-8 bytes; default 1024, at most 65536. */
    public Builder maxKeyBytes(int bytes) {
      once("maxKeyBytes");
      if (bytes < 1 || bytes > StorageKey.MAX_KEY_BYTES) {
        throw new IllegalArgumentException("maxKeyBytes : " + bytes + " (expected: 1.." + StorageKey.MAX_KEY_BYTES + ")");
      }
      this.maxKeyBytes = bytes;
      set.add("maxKeyBytes");
      return this;
    }

    /** The longest encoded value; default 1 MiB, at most 8 MiB. */
    public Builder maxValueBytes(int bytes) {
      once("maxValueBytes");
      if (bytes < 1 || bytes > 8 << 20) {
        throw new IllegalArgumentException("maxValueBytes : " + bytes + " (expected: 1.." + (8 << 20) + ")");
      }
      this.maxValueBytes = bytes;
      set.add("maxValueBytes");
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
      set.add("hintedHandoff");
      return this;
    }

    /** How often an anti-entropy pass runs; default 30 s. */
    public Builder antiEntropyInterval(Duration interval) {
      once("antiEntropyInterval");
      this.antiEntropyInterval = positive("antiEntropyInterval", interval);
      set.add("antiEntropyInterval");
      return this;
    }

    /** The clock; default the system's. Simulations pass a virtual one. */
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      set.add("clock");
      return this;
    }

    /** The scheduler for background work and callbacks; default a pool of two threads the node owns. */
    public Builder scheduler(Scheduler scheduler) {
      once("scheduler");
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      set.add("scheduler");
      return this;
    }

    /** The random source (incarnations); default seeded from SecureRandom. Simulations pass a seeded one. */
    public Builder random(RandomGenerator random) {
      once("random");
      this.random = Objects.requireNonNull(random, "random");
      set.add("random");
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
      if (members.isEmpty() && seeds.isEmpty()) {
        throw new IllegalStateException("members and seeds are empty (expected: the founding members, "
            + "this node included, or seeds of the cluster to join)");
      }
      if (!members.isEmpty() && !members.containsKey(id)) {
        throw new IllegalStateException("members " + members.keySet() + " (expected: to include this node, " + id + ")");
      }
      if (!members.isEmpty() && replication.n() > members.size()) {
        throw new IllegalArgumentException("n : " + replication.n() + " (expected: <= cluster size = " + members.size() + ")");
      }
      if (random == null) {
        random = new java.util.SplittableRandom(new SecureRandom().nextLong());
      }
      return new DynamoNode(this);
    }
  }
}
