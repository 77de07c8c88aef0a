package io.dynamokv;

import static io.dynamokv.internal.Checks.requireInRange;
import static io.dynamokv.internal.Checks.requirePositive;
import static io.dynamokv.internal.Checks.requireUnset;

import io.dynamokv.internal.Limits;
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
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Collects a node's settings; {@link DynamoNode#newBuilder} starts one. Each may be set once (a second call throws
 * {@link IllegalStateException}; a value that failed its check does not count as set), and
 * {@link #build()} checks them together. Not thread-safe.
 */
public final class DynamoNodeBuilder {
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
  private Integer maxSiblings;
  private Integer maxBytesPerKey;
  private Integer maxStores;
  private Clock clock;
  private Scheduler scheduler;
  private RandomGenerator random;
  private Boolean insecureUnauthenticatedPeers;
  private Boolean latencyRecording;

  DynamoNodeBuilder(NodeId id) {
    this.id = Objects.requireNonNull(id, "id");
  }

  /** The storage engine (required); the node closes it. */
  public DynamoNodeBuilder storage(StorageEngine storage) {
    requireUnset(this.storage, "storage");
    this.storage = Objects.requireNonNull(storage, "storage");
    return this;
  }

  /** The transport (required), created at this node's listen address; the node closes it. */
  public DynamoNodeBuilder transport(Transport transport) {
    requireUnset(this.transport, "transport");
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /**
   * Adds a founding member of a new cluster, this node included; every founder is built with
   * the same list. A node joining an existing cluster uses {@link #seed} instead. Ignored when
   * the node restarts on data that holds its membership.
   */
  public DynamoNodeBuilder member(NodeId node, Endpoint endpoint) {
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
  public DynamoNodeBuilder seed(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (!seeds.contains(endpoint)) {
      seeds.add(endpoint);
    }
    return this;
  }

  /** Q, the number of partitions of a new cluster (founders only; a joining node learns it); default 256. */
  public DynamoNodeBuilder partitions(int partitions) {
    requireUnset(this.partitions, "partitions");
    new KeySpace(partitions);
    this.partitions = partitions;
    return this;
  }

  /** The default N, R, W of stores; default 3, 2, 2. */
  public DynamoNodeBuilder replication(Replication replication) {
    requireUnset(this.replication, "replication");
    this.replication = Objects.requireNonNull(replication, "replication");
    return this;
  }

  /** This node's share of the partitions relative to others (its capacity); default 1. */
  public DynamoNodeBuilder weight(int weight) {
    requireUnset(this.weight, "weight");
    this.weight = requireInRange("weight", weight, 1, Member.MAX_WEIGHT);
    return this;
  }

  /** How often the node gossips with a peer; default 1 s. */
  public DynamoNodeBuilder gossipInterval(Duration interval) {
    requireUnset(gossipInterval, "gossipInterval");
    gossipInterval = requirePositive("gossipInterval", interval);
    return this;
  }

  /**
   * The suspicion (phi) of the accrual failure detector above which a peer whose gossip
   * heartbeats stopped is believed down; default 8, as in Cassandra. Lower detects sooner and
   * errs more often.
   */
  public DynamoNodeBuilder phiThreshold(double threshold) {
    requireUnset(phiThreshold, "phiThreshold");
    if (!(threshold > 0) || threshold > 100) {
      throw new IllegalArgumentException("phiThreshold : " + threshold + " (expected: > 0 and <= 100)");
    }
    phiThreshold = threshold;
    return this;
  }

  /** The default deadline of reads and writes; default 2 s. */
  public DynamoNodeBuilder requestTimeout(Duration timeout) {
    requireUnset(requestTimeout, "requestTimeout");
    requestTimeout = requirePositive("requestTimeout", timeout);
    return this;
  }

  /** How often peers believed down are probed; default 1 s. */
  public DynamoNodeBuilder probeInterval(Duration interval) {
    requireUnset(probeInterval, "probeInterval");
    probeInterval = requirePositive("probeInterval", interval);
    return this;
  }

  /** How often held hints are offered to their owners; default 1 s. */
  public DynamoNodeBuilder hintDeliveryInterval(Duration interval) {
    requireUnset(hintInterval, "hintDeliveryInterval");
    hintInterval = requirePositive("hintDeliveryInterval", interval);
    return this;
  }

  /**
   * Whether a write may use fallback nodes with hints when replicas are down (sloppy quorum,
   * the default). With false, the quorum is strict: only the key's N replicas count, and a
   * replica that misses a write is repaired by read repair and anti-entropy alone.
   */
  public DynamoNodeBuilder hintedHandoff(boolean enabled) {
    requireUnset(hintedHandoff, "hintedHandoff");
    hintedHandoff = enabled;
    return this;
  }

  /** How often an anti-entropy pass runs; default 30 s. */
  public DynamoNodeBuilder antiEntropyInterval(Duration interval) {
    requireUnset(antiEntropyInterval, "antiEntropyInterval");
    antiEntropyInterval = requirePositive("antiEntropyInterval", interval);
    return this;
  }

  /** The most bytes per second this node receives when partitions move to it; default 32 MiB/s. */
  public DynamoNodeBuilder transferRate(long bytesPerSecond) {
    requireUnset(transferRate, "transferRate");
    if (bytesPerSecond < 1024) {
      throw new IllegalArgumentException("transferRate : " + bytesPerSecond + " (expected: >= 1024 bytes per second)");
    }
    transferRate = bytesPerSecond;
    return this;
  }

  /** The longest key, in UTF-8 bytes; default 1024, at most 65536. */
  public DynamoNodeBuilder maxKeyBytes(int bytes) {
    requireUnset(maxKeyBytes, "maxKeyBytes");
    maxKeyBytes = requireInRange("maxKeyBytes", bytes, 1, StorageKey.MAX_KEY_BYTES);
    return this;
  }

  /** The longest encoded value; default 1 MiB, at most 8 MiB. */
  public DynamoNodeBuilder maxValueBytes(int bytes) {
    requireUnset(maxValueBytes, "maxValueBytes");
    maxValueBytes = requireInRange("maxValueBytes", bytes, 1, 8 << 20);
    return this;
  }

  /**
   * The most values (siblings) one key may hold; default 64, at most 10,000. A write that would
   * leave more is refused with an {@link IllegalArgumentException} before anything is written:
   * read the key and write with its context, which merges them.
   */
  public DynamoNodeBuilder maxSiblings(int siblings) {
    requireUnset(maxSiblings, "maxSiblings");
    maxSiblings = requireInRange("maxSiblings", siblings, 1, 10_000);
    return this;
  }

  /**
   * The most value bytes one key may hold, summed over its siblings; default 4 MiB, at most
   * 64 MiB, and at least maxValueBytes. A write that would leave more is refused before anything
   * is written. Keep it well below the transport's frame limit (16 MiB by default), so that a
   * key can always be moved whole between replicas.
   */
  public DynamoNodeBuilder maxBytesPerKey(int bytes) {
    requireUnset(maxBytesPerKey, "maxBytesPerKey");
    maxBytesPerKey = requireInRange("maxBytesPerKey", bytes, 1, 64 << 20);
    return this;
  }

  /**
   * The most stores a node holds data of; default 1,000, at most 1,000,000. Each store name is
   * persistent state on every replica: a write to a new store beyond the limit is refused with
   * an {@link IllegalArgumentException} before anything is written.
   */
  public DynamoNodeBuilder maxStores(int stores) {
    requireUnset(maxStores, "maxStores");
    maxStores = requireInRange("maxStores", stores, 1, 1_000_000);
    return this;
  }

  /** The clock; default the system's. Simulations pass a virtual one. */
  public DynamoNodeBuilder clock(Clock clock) {
    requireUnset(this.clock, "clock");
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The scheduler for background work and callbacks; default a pool of two threads the node owns. */
  public DynamoNodeBuilder scheduler(Scheduler scheduler) {
    requireUnset(this.scheduler, "scheduler");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** The random source (incarnations, gossip peers); default seeded from SecureRandom. Simulations pass a seeded one. */
  public DynamoNodeBuilder random(RandomGenerator random) {
    requireUnset(this.random, "random");
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /**
   * INSECURE: lets the node start on a transport that authenticates no peer (neither a cluster
   * secret nor mutual TLS). Anyone who can reach its port can then change the cluster's membership
   * and read and write its data. Only for a network no one else can reach; the node logs an error
   * at start saying so. Default false: such a node refuses to start.
   */
  public DynamoNodeBuilder insecureUnauthenticatedPeers(boolean allowed) {
    requireUnset(this.insecureUnauthenticatedPeers, "insecureUnauthenticatedPeers");
    this.insecureUnauthenticatedPeers = allowed;
    return this;
  }

  /**
   * Whether the node records the latency of each operation, by store ({@link DynamoNode#latencies});
   * default true. Off only to measure what recording costs.
   */
  public DynamoNodeBuilder latencyRecording(boolean on) {
    requireUnset(this.latencyRecording, "latencyRecording");
    this.latencyRecording = on;
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
    int q = Objects.requireNonNullElse(partitions, 256);
    if (members.size() > q) {
      throw new IllegalArgumentException("members : " + members.size() + " founders for " + q + " partitions (expected: "
          + "at most Q, since each member owns whole partitions; Q is fixed for the cluster's life: choose about 64 "
          + "partitions per node of the largest cluster you expect, see docs/scale.md)");
    }
    Replication r = Objects.requireNonNullElse(replication, Replication.of(3, 2, 2));
    if (!members.isEmpty() && r.n() > members.size()) {
      throw new IllegalArgumentException("n : " + r.n() + " (expected: <= cluster size = " + members.size() + ")");
    }
    return new DynamoNode(new NodeSettings(id, storage, transport, members, seeds,
        q, r, Objects.requireNonNullElse(weight, 1),
        Objects.requireNonNullElse(gossipInterval, Duration.ofSeconds(1)),
        Objects.requireNonNullElse(phiThreshold, 8.0),
        Objects.requireNonNullElse(requestTimeout, Duration.ofSeconds(2)),
        Objects.requireNonNullElse(probeInterval, Duration.ofSeconds(1)),
        Objects.requireNonNullElse(hintInterval, Duration.ofSeconds(1)),
        Objects.requireNonNullElse(hintedHandoff, true),
        Objects.requireNonNullElse(antiEntropyInterval, Duration.ofSeconds(30)),
        Objects.requireNonNullElse(transferRate, 32L << 20),
        limits(), Objects.requireNonNullElse(maxStores, 1000),
        Objects.requireNonNullElse(clock, SystemClock.INSTANCE), Optional.ofNullable(scheduler),
        random != null ? random : new SplittableRandom(new SecureRandom().nextLong()),
        Objects.requireNonNullElse(insecureUnauthenticatedPeers, false),
        Objects.requireNonNullElse(latencyRecording, true)));
  }

  private Limits limits() {
    int valueBytes = Objects.requireNonNullElse(maxValueBytes, 1 << 20);
    return new Limits(Objects.requireNonNullElse(maxKeyBytes, 1024), valueBytes, Objects.requireNonNullElse(maxSiblings, 64),
        Objects.requireNonNullElse(maxBytesPerKey, Math.max(4 << 20, valueBytes)));
  }
}
