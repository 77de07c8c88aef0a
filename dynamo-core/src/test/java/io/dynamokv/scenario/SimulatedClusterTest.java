package io.dynamokv.scenario;

import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.internal.membership.StaticMembership;
import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.testkit.FaultyTransport;
import io.dynamokv.testkit.Simulation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** The scenarios over the simulated network, in virtual time. */
class SimulatedClusterTest extends ClusterScenarios {

  static final long SEED = Long.getLong("sim.seed", 20261122L);

  @Override
  protected ClusterHarness newCluster() {
    return new SimCluster(SEED);
  }

  /** Five simulated nodes on in-memory storage. */
  static final class SimCluster implements ClusterHarness {
    private static final int Q = 64;
    private final Simulation sim;
    private final Map<NodeId, Endpoint> members = new TreeMap<>();
    private final Map<NodeId, StorageEngine> disks = new LinkedHashMap<>();
    private final Map<NodeId, io.dynamokv.testkit.CrashableStorage> crashable = new LinkedHashMap<>();
    private final Map<NodeId, DynamoNode> running = new TreeMap<>();
    private final Map<NodeId, FaultyTransport> transports = new TreeMap<>();
    private final java.util.Set<NodeId> founders = new java.util.TreeSet<>();
    private final Duration fsyncDelay;
    private final java.util.Set<NodeId> gone = new java.util.TreeSet<>();
    private final StaticMembership membership;

    private final boolean hintedHandoff;

    private final Duration antiEntropyInterval;

    SimCluster(long seed) {
      this(seed, true);
    }

    SimCluster(long seed, boolean hintedHandoff) {
      this(seed, hintedHandoff, java.util.function.UnaryOperator.identity(), Duration.ofSeconds(30));
    }

    /** With {@code storage} wrapping each node's engine (to break it on purpose, in checker tests). */
    SimCluster(long seed, boolean hintedHandoff, java.util.function.UnaryOperator<StorageEngine> storage,
        Duration antiEntropyInterval) {
      this(seed, hintedHandoff, storage, antiEntropyInterval, Duration.ofMillis(2));
    }

    /** With disks that sync every {@code fsyncDelay}: a crash loses the writes of the last one. */
    SimCluster(long seed, boolean hintedHandoff, java.util.function.UnaryOperator<StorageEngine> storage,
        Duration antiEntropyInterval, Duration fsyncDelay) {
      this.fsyncDelay = fsyncDelay;
      this.hintedHandoff = hintedHandoff;
      this.antiEntropyInterval = antiEntropyInterval;
      sim = new Simulation(seed);
      for (int i = 0; i < 5; i++) {
        NodeId id = NodeId.of("n" + i);
        members.put(id, Endpoint.of("n" + i, 7000));
        // A disk with group commit: a crash loses the writes not yet synced.
        io.dynamokv.testkit.CrashableStorage disk = new io.dynamokv.testkit.CrashableStorage(
            StorageEngine.inMemory(), sim.scheduler(), fsyncDelay);
        crashable.put(id, disk);
        disks.put(id, storage.apply(disk));
      }
      membership = new StaticMembership(members, Q, 3);
      founders.addAll(members.keySet());
      members.keySet().forEach(this::restart);
    }

    @Override
    public List<NodeId> nodes() {
      return new ArrayList<>(members.keySet());
    }

    @Override
    public DynamoNode node(NodeId id) {
      DynamoNode n = running.get(id);
      if (n == null) {
        throw new IllegalStateException(id + " is not running");
      }
      return n;
    }

    @Override
    public StorageEngine storage(NodeId id) {
      return disks.get(id);
    }

    @Override
    public KeySpace keySpace() {
      return membership.ring().keySpace();
    }

    @Override
    public PreferenceList preferenceList(String key) {
      return membership.ring().preferenceList(key.getBytes(StandardCharsets.UTF_8), 3);
    }

    @Override
    public void kill(NodeId id) {
      DynamoNode n = running.remove(id);
      transports.remove(id);
      if (n != null) {
        n.close();
        crashable.get(id).crash(); // unsynced writes are lost; the restart takes a new incarnation
      }
    }

    /** Starts a new node {@code id} that joins the cluster through a founder. */
    void join(NodeId id) {
      members.put(id, Endpoint.of(id.value(), 7000));
      io.dynamokv.testkit.CrashableStorage disk = new io.dynamokv.testkit.CrashableStorage(
          StorageEngine.inMemory(), sim.scheduler(), fsyncDelay);
      crashable.put(id, disk);
      disks.put(id, disk);
      restart(id);
    }

    /**
     * Declares the stopped node {@code dead} gone (an operator's removal, through {@code via}),
     * then starts a new node {@code id} at {@code dead}'s address, joining through a founder: a
     * peer that still holds hints for {@code dead}, or believes it down, now reaches another node
     * at its address.
     */
    void replaceAtSameAddress(NodeId dead, NodeId via, NodeId id) {
      node(via).removeNode(dead);
      gone.add(dead);
      members.put(id, members.get(dead));
      io.dynamokv.testkit.CrashableStorage disk = new io.dynamokv.testkit.CrashableStorage(
          StorageEngine.inMemory(), sim.scheduler(), fsyncDelay);
      crashable.put(id, disk);
      disks.put(id, disk);
      restart(id);
    }

    /** Decommissions {@code id}; once it has left, it is stopped and out of {@link #nodes()}. */
    void leave(NodeId id) {
      DynamoNode n = node(id);
      n.leaveAsync().whenComplete((v, t) -> {
        if (t == null && running.get(id) == n) {
          gone.add(id);
          running.remove(id).close();
          transports.remove(id);
        }
      });
    }

    /** Returns the nodes that are members and not gone (left), running or not. */
    List<NodeId> members() {
      return members.keySet().stream().filter(n -> !gone.contains(n)).toList();
    }

    /** Returns the committed ring as a running node sees it. */
    io.dynamokv.internal.ring.Ring ring() {
      return NodeAccess.runtime(running.values().iterator().next()).ring();
    }

    /** Returns whether every running node holds the same committed ring and none is pending. */
    boolean ringsAgree() {
      java.util.Set<Object> rings = new java.util.HashSet<>();
      for (DynamoNode n : running.values()) {
        if (n.status().pendingRingVersion().isPresent()) {
          return false;
        }
        rings.add(NodeAccess.runtime(n).ring().id());
      }
      return rings.size() == 1;
    }

    /** Stops {@code id} cleanly and returns a copy of its disk, as a backup of its data directory. */
    StorageEngine stopAndBackUp(NodeId id) {
      DynamoNode n = running.remove(id);
      transports.remove(id);
      if (n != null) {
        n.close();
      }
      return crashable.get(id).copy();
    }

    /** Starts {@code id} on {@code backup} in place of its disk: a restore from an old copy. */
    void restoreAndStart(NodeId id, StorageEngine backup) {
      io.dynamokv.testkit.CrashableStorage disk = new io.dynamokv.testkit.CrashableStorage(backup, sim.scheduler(),
          fsyncDelay);
      crashable.put(id, disk);
      disks.put(id, disk);
      restart(id);
    }

    /** Returns how many keys crashes have rolled back on all disks. */
    long writesLostToCrashes() {
      return crashable.values().stream().mapToLong(io.dynamokv.testkit.CrashableStorage::lostWrites).sum();
    }

    @Override
    public void restart(NodeId id) {
      FaultyTransport t = new FaultyTransport(sim.network().transport(members.get(id)), sim.scheduler());
      DynamoNodeBuilder b = DynamoNode.newBuilder(id)
          .storage(disks.get(id))
          .transport(t)
          .partitions(Q)
          .replication(Replication.of(3, 2, 2))
          .requestTimeout(Duration.ofSeconds(2))
          .probeInterval(Duration.ofSeconds(1))
          .hintDeliveryInterval(Duration.ofSeconds(1))
          .maxValueBytes(65536)
          .hintedHandoff(hintedHandoff)
          .antiEntropyInterval(antiEntropyInterval)
          .clock(sim.clock())
          .scheduler(sim.scheduler())
          .random(sim.newRandom());
      if (founders.contains(id)) {
        members.forEach((m, e) -> {
          if (founders.contains(m)) {
            b.member(m, e);
          }
        });
      } else {
        b.seed(members.get(founders.stream().filter(f -> !gone.contains(f)).findFirst().orElseThrow()));
      }
      DynamoNode node = b.build();
      node.start();
      running.put(id, node);
      transports.put(id, t);
    }

    private Set<Endpoint> endpoints(Set<NodeId> ids) {
      return ids.stream().map(members::get).collect(Collectors.toSet());
    }

    @Override
    public void partition(Set<NodeId> a, Set<NodeId> b) {
      sim.network().partition(endpoints(a), endpoints(b));
    }

    @Override
    public void slow(NodeId id, Duration delay) {
      transports.get(id).delayReplies(delay);
    }

    @Override
    public void heal() {
      sim.network().heal();
      transports.values().forEach(FaultyTransport::heal);
    }

    @Override
    public <T> T await(CompletableFuture<T> future) {
      return sim.await(future, Duration.ofMinutes(2));
    }

    @Override
    public void pass(Duration duration) {
      sim.runFor(duration);
    }

    @Override
    public void awaitCondition(BooleanSupplier condition, Duration limit) {
      sim.runUntil(condition, limit);
    }

    @Override
    public void close() {
      new ArrayList<>(running.keySet()).forEach(this::kill);
    }

    Endpoint endpointOf(NodeId id) {
      return members.get(id);
    }

    private io.dynamokv.spi.Transport client;

    @Override
    public java.util.concurrent.CompletableFuture<io.dynamokv.spi.Message> sendFromClient(NodeId id,
        io.dynamokv.spi.Message request) {
      if (client == null) {
        client = sim.network().transport(Endpoint.of("client", 1));
      }
      return client.request(members.get(id), request, Duration.ofSeconds(5));
    }

    boolean isRunning(NodeId id) {
      return running.containsKey(id);
    }

    boolean isDown(NodeId id) {
      return !running.containsKey(id);
    }

    Simulation simulation() {
      return sim;
    }

    StaticMembership membership() {
      return membership;
    }
  }
}
