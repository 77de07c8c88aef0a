package io.dynamokv;

import io.dynamokv.internal.membership.ClusterState;
import io.dynamokv.internal.membership.GossipMembership;
import io.dynamokv.internal.membership.MemberState;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.testkit.CrashableStorage;
import io.dynamokv.testkit.Simulation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * A cluster on the simulated network whose membership changes: founders, nodes that join through
 * a seed, leave, are removed, crash and restart. Nodes keep their storage across restarts.
 */
final class MembershipCluster implements AutoCloseable {

  static final int Q = 64;
  static final String STORE = "kv";

  final Simulation sim;
  final Map<NodeId, StorageEngine> disks = new TreeMap<>();
  final Map<NodeId, DynamoNode> running = new TreeMap<>();
  final Map<NodeId, Endpoint> endpoints = new TreeMap<>();
  private final List<NodeId> founders = new ArrayList<>();
  private final Duration gossipInterval = Duration.ofSeconds(1);
  private final Duration antiEntropyInterval;
  /** The transfer rate of nodes started from now on. */
  long transferRate = 32L << 20;

  MembershipCluster(long seed, int founders) {
    // So that only transfers and writes place data.
    this(seed, founders, Duration.ofHours(1));
  }

  MembershipCluster(long seed, int founders, Duration antiEntropyInterval) {
    this(seed, founders, antiEntropyInterval, disk -> disk);
  }

  /** A cluster whose founders keep their data in what {@code disk} makes of an in-memory engine. */
  MembershipCluster(long seed, int founders, java.util.function.UnaryOperator<StorageEngine> disk) {
    this(seed, founders, Duration.ofHours(1), disk);
  }

  private MembershipCluster(long seed, int founders, Duration antiEntropyInterval,
      java.util.function.UnaryOperator<StorageEngine> disk) {
    this.antiEntropyInterval = antiEntropyInterval;
    sim = new Simulation(seed);
    for (int i = 0; i < founders; i++) {
      NodeId id = NodeId.of("n" + i);
      this.founders.add(id);
      endpoints.put(id, Endpoint.of("n" + i, 7000));
      disks.put(id, disk.apply(new CrashableStorage(StorageEngine.inMemory(), sim.scheduler(), Duration.ZERO)));
    }
    this.founders.forEach(id -> start(id, true));
  }

  /** Starts {@code id} on its disk: as a founder (with the founders' list) or with a seed. */
  DynamoNode start(NodeId id, boolean founder) {
    endpoints.computeIfAbsent(id, n -> Endpoint.of(n.value(), 7000));
    disks.computeIfAbsent(id, n -> new CrashableStorage(StorageEngine.inMemory(), sim.scheduler(), Duration.ZERO));
    DynamoNodeBuilder b = DynamoNode.newBuilder(id)
        .storage(disks.get(id))
        .transport(sim.network().transport(endpoints.get(id)))
        .partitions(Q)
        .replication(Replication.of(3, 2, 2))
        .requestTimeout(Duration.ofSeconds(2))
        .gossipInterval(gossipInterval)
        .transferRate(transferRate)
        .antiEntropyInterval(antiEntropyInterval)
        .clock(sim.clock())
        .scheduler(sim.scheduler())
        .random(sim.newRandom());
    if (founder) {
      founders.forEach(f -> b.member(f, endpoints.get(f)));
    } else {
      b.seed(endpoints.get(founders.get(0)));
    }
    DynamoNode node = b.build();
    node.start();
    running.put(id, node);
    return node;
  }

  /** Starts a new node that joins through the first founder. */
  DynamoNode join(String id) {
    return start(NodeId.of(id), false);
  }

  /** Stops {@code id} abruptly (its disk stays). */
  void kill(NodeId id) {
    DynamoNode n = running.remove(id);
    if (n != null) {
      n.close();
    }
  }

  DynamoNode node(String id) {
    return running.get(NodeId.of(id));
  }

  GossipMembership membershipOf(NodeId id) {
    return NodeAccess.runtime(running.get(id)).membership();
  }

  /** Returns whether every running node holds the same committed ring, none pending, and the same statuses. */
  boolean agree() {
    Set<String> views = running.values().stream().map(n -> view(NodeAccess.runtime(n).membership().state()))
        .collect(Collectors.toSet());
    return views.size() == 1 && NodeAccess.runtime(running.values().iterator().next()).membership().state().pending().isEmpty();
  }

  static String view(ClusterState s) {
    return s.committedId() + "|" + s.pendingId() + "|" + s.members().values().stream()
        .map(m -> m.id() + ":" + m.status()).collect(Collectors.joining(","));
  }

  /** Returns the committed ring every node agrees on. */
  Ring ring() {
    return NodeAccess.runtime(running.values().iterator().next()).membership().ring();
  }

  /** Returns the status of {@code node} as {@code viewer} sees it. */
  MemberStatus statusOf(NodeId viewer, NodeId node) {
    return membershipOf(viewer).state().member(node).map(MemberState::status).orElse(null);
  }

  void pass(Duration d) {
    sim.runFor(d);
  }

  void awaitCondition(java.util.function.BooleanSupplier condition, Duration limit) {
    sim.runUntil(condition, limit);
  }

  <T> T await(java.util.concurrent.CompletableFuture<T> f) {
    return sim.await(f, Duration.ofMinutes(10));
  }

  /** Returns whether {@code node}'s own storage holds {@code key} of the test store. */
  boolean holds(NodeId node, String key) {
    StorageKey k = ring().keySpace().storageKey(STORE, key.getBytes(StandardCharsets.UTF_8));
    return disks.get(node).get(k).map(v -> !v.hasOnlyTombstones() && !v.isEmpty()).orElse(false);
  }

  @Override
  public void close() {
    new ArrayList<>(running.keySet()).forEach(this::kill);
  }

  /**
   * Clients writing unique keys through random running nodes, a new put every few virtual
   * milliseconds, remembering which were acknowledged.
   */
  final class Writers {
    final Set<String> acknowledged = new ConcurrentSkipListSet<>();
    final Set<String> failed = new ConcurrentSkipListSet<>();
    private final RandomGenerator random = sim.newRandom();
    private volatile boolean stopped;
    private int next;
    private Stores through;

    /** Writes through {@code stores} (a client) instead of random running nodes. */
    Writers through(Stores stores) {
      this.through = stores;
      return this;
    }

    Writers start(int clients) {
      for (int i = 0; i < clients; i++) {
        writeNext();
      }
      return this;
    }

    private void writeNext() {
      if (stopped) {
        return;
      }
      String key = "key-" + next++;
      Stores via = through;
      if (via == null) {
        List<DynamoNode> nodes = running.values().stream()
            .filter(n -> NodeAccess.runtime(n).membership().state().committed().isPresent()).toList();
        via = nodes.get(random.nextInt(nodes.size()));
      }
      Store<String> store = via.store(STORE, Codec.utf8());
      store.putAsync(key, Context.EMPTY, key).whenComplete((ctx, failure) -> {
        (failure == null ? acknowledged : failed).add(key);
        sim.scheduler().schedule(Duration.ofMillis(20), this::writeNext);
      });
    }

    void stop() {
      stopped = true;
    }
  }
}
