package io.dynamokv.internal.node;

import io.dynamokv.ClusterStatus;
import io.dynamokv.Endpoint;
import io.dynamokv.InsufficientReplicasException;
import io.dynamokv.NodeId;
import io.dynamokv.RepairReport;
import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Failures;
import io.dynamokv.internal.KnownStores;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.OwnActor;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.antientropy.AntiEntropy;
import io.dynamokv.internal.coordinator.Coordinator;
import io.dynamokv.internal.coordinator.HintedHandoff;
import io.dynamokv.internal.coordinator.NodeMetrics;
import io.dynamokv.internal.coordinator.PeerHealth;
import io.dynamokv.internal.coordinator.ReplicaService;
import io.dynamokv.internal.membership.ClusterState;
import io.dynamokv.internal.membership.GossipMembership;
import io.dynamokv.internal.membership.MemberState;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.membership.PartitionTransfer;
import io.dynamokv.internal.membership.PhiAccrualDetector;
import io.dynamokv.internal.metrics.Latencies;
import io.dynamokv.internal.metrics.MeasuredCoordination;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.DropStore;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.version.ActorId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started node, wired in one place: its identity from storage, membership, the failure
 * detector, the coordinator, the replica service the transport serves, hinted handoff,
 * anti-entropy and partition transfer, all sharing one {@link NodeContext}. {@code DynamoNode}
 * starts it and delegates to it; tools and tests reach it through {@link NodeAccess}.
 *
 * <p>Thread-safe: the parts are; this class only holds them.
 */
public final class NodeRuntime {

  private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);
  private static final int HINT_BATCH_SIZE = 100;
  /** How far back a node's latency percentiles reach: the last minute or so. */
  static final Duration LATENCY_WINDOW = Duration.ofMinutes(1);
  /** How often a node with pending work logs a line saying what. */
  static final Duration SUMMARY_INTERVAL = Duration.ofMinutes(1);
  private static final int MAX_KEYS_PER_PAGE = 1000;

  private final NodeSettings settings;
  private final NodeContext context;
  private final Optional<ExecutorScheduler> ownedScheduler;
  private final NodeMetrics metrics = new NodeMetrics();
  private final GossipMembership membership;
  private final PeerHealth health;
  private final Coordinator coordinator;
  private final Latencies latencies;
  private final Periodic summaries;
  private final Coordination coordination;
  private final HintedHandoff handoff;
  private final AntiEntropy antiEntropy;
  private final PartitionTransfer transfer;

  private NodeRuntime(NodeSettings s, Function<String, Integer> replicasOf) {
    settings = s;
    NodeIdentity identity = NodeIdentity.load(s.id(), s.storage(), s.clock(), s.random());
    ownedScheduler = s.scheduler().isPresent() ? Optional.empty()
        : Optional.of(new ExecutorScheduler("dynamo-" + s.id(), 2, Duration.ofSeconds(5)));
    Scheduler scheduler = s.scheduler().orElseGet(ownedScheduler::get);
    context = new NodeContext(s.id(), new OwnActor(identity.actor(), s.storage(), scheduler, s.random()), s.storage(),
        s.transport(), scheduler, s.clock(), s.random(),
        s.requestTimeout(), replicasOf, s.limits(), new KnownStores(s.storage(), s.maxStores()));
    membership = startMembership(identity);
    health = new PeerHealth(context, membership, s.probeInterval(), metrics, membership::isConvicted);
    coordinator = new Coordinator(context, membership, health, metrics, s.hintedHandoff());
    latencies = new Latencies(s.clock(), LATENCY_WINDOW, s.latencyRecording());
    coordination = s.latencyRecording() ? new MeasuredCoordination(coordinator, latencies) : coordinator;
    handoff = new HintedHandoff(context, membership, health, metrics, s.hintInterval(), HINT_BATCH_SIZE);
    s.transport().start(new ReplicaService(s.id(), () -> membership.ring().keySpace(), s.storage(), coordinator,
        metrics, membership::handle, s.limits(), context.stores(), context.actor(), latencies));
    // Before gossip announces this run (which replaces the peers' entry of the last one), and
    // before the actor stamps a write: is this storage an older copy of the node's data?
    coordinator.holdOwnWritesUntil(RestoreCheck.run(context, identity, membership.self(), RestoreCheck.peersOf(s.id(),
        membership.state().members().values(), contacts(), s.transport().localEndpoint())));
    antiEntropy = new AntiEntropy(context, membership, health::isUp, s.antiEntropyInterval(), MAX_KEYS_PER_PAGE);
    // Pulls wait a request deadline after every node adopted a ring, so writes that used the
    // older ring have ended; a failed step is retried each gossip interval.
    transfer = new PartitionTransfer(context, membership, antiEntropy, health::isUp, s.transferBytesPerSecond(),
        s.requestTimeout(), s.gossipInterval());
    membership.start(health::isUp);
    health.start();
    handoff.start();
    antiEntropy.start();
    transfer.start();
    if (!s.transport().authenticatesPeers()) {
      log.error("node {}: INSECURE (insecureUnauthenticatedPeers): its transport authenticates no peer: anyone who "
          + "can reach {} can send it gossip and replica requests, and so change the cluster and its data",
          s.id(), s.transport().localEndpoint());
    }
    log.info("node {} running at {}: actor {}, {}, default {}, request timeout {}, gossip every {}, phi threshold {}, "
            + "transfers at most {} B/s, {}", s.id(), s.transport().localEndpoint(),
        identity.actor(), membership.state(), s.replication(), s.requestTimeout(), s.gossipInterval(),
        s.phiThreshold(), s.transferBytesPerSecond(), s.limits());
    summaries = Periodic.start(scheduler, SUMMARY_INTERVAL, s.id() + ": pending work summary",
        () -> pendingWork().ifPresent(log::info));
  }

  /**
   * Returns a line saying what this node has pending, if anything: hints it holds for others, a
   * ring in transfer, a partition not found in sync for longer than two anti-entropy intervals.
   * Logged every {@link #SUMMARY_INTERVAL} while there is something.
   */
  public Optional<String> pendingWork() {
    return pendingWork(hintBacklog(), partitionsBehind(), transfer.progress());
  }

  private Optional<String> pendingWork(Map<NodeId, ClusterStatus.HintBacklog> hints,
      List<ClusterStatus.PartitionBehind> behind, Optional<ClusterStatus.Transfer> progress) {
    List<String> pending = new ArrayList<>();
    if (!hints.isEmpty()) {
      Map<NodeId, String> byTarget = new TreeMap<>();
      hints.forEach((target, b) -> byTarget.put(target, b.hints() + " (" + b.bytes() + " B)"));
      pending.add("hints held for " + byTarget);
    }
    ClusterState s = membership.state();
    s.pending().ifPresent(p -> pending.add("ring v" + s.committedId().version() + " -> v" + p.version()
        + " in transfer" + progress.map(t -> " (" + t.partitionsDone() + "/" + t.partitionsTotal()
            + " partitions received, " + t.bytesReceived() + " B" + t.remaining().map(r -> ", about "
            + Math.max(1, r.toSeconds()) + " s to go").orElse("") + ")").orElse("")));
    if (!behind.isEmpty()) {
      ClusterStatus.PartitionBehind worst = behind.get(0);
      pending.add(behind.size() + (behind.size() == ClusterStatus.MAX_PARTITIONS_BEHIND ? "+" : "")
          + " partitions not found in sync for two anti-entropy intervals (longest: " + worst.store() + "/p"
          + worst.partition() + " with " + worst.peer() + ", " + worst.since().toSeconds() + " s)");
    }
    return pending.isEmpty() ? Optional.empty() : Optional.of("node " + settings.id() + " pending: "
        + String.join("; ", pending));
  }

  private Map<NodeId, ClusterStatus.HintBacklog> hintBacklog() {
    Map<NodeId, ClusterStatus.HintBacklog> out = new TreeMap<>();
    for (NodeId target : settings.storage().hintTargets()) {
      ClusterStatus.HintBacklog b = settings.storage().hintBacklog(target);
      if (b.hints() > 0) {
        out.put(target, b);
      }
    }
    return out;
  }

  private List<ClusterStatus.PartitionBehind> partitionsBehind() {
    return antiEntropy.partitionsBehind(ClusterStatus.MAX_PARTITIONS_BEHIND);
  }

  /**
   * Starts a node on {@code settings}: loads or draws its identity, then starts serving and its
   * background work.
   *
   * @param replicasOf the N of a store (the node's default for stores it has not opened)
   * @throws IllegalStateException if the storage holds another node's data
   */
  public static NodeRuntime start(NodeSettings settings, Function<String, Integer> replicasOf) {
    return new NodeRuntime(settings, replicasOf);
  }

  /**
   * The configured seeds and founders. The founders' addresses serve as seeds too. A node
   * restarting on saved state knows its peers at the addresses they had then; if the whole
   * cluster restarted on new ones (ports picked afresh, new hosts), gossip to those alone would
   * never reach anyone, while the configured addresses lead to the peers, whose newer entries then
   * replace the old.
   */
  private List<Endpoint> contacts() {
    NodeSettings s = settings;
    List<Endpoint> contacts = new ArrayList<>(s.seeds());
    s.founders().forEach((member, endpoint) -> {
      if (!member.equals(s.id()) && !contacts.contains(endpoint)) {
        contacts.add(endpoint);
      }
    });
    return contacts;
  }

  private GossipMembership startMembership(NodeIdentity identity) {
    NodeSettings s = settings;
    GossipMembership.Settings ms = new GossipMembership.Settings(s.id(), s.transport().localEndpoint(),
        identity.generation(), s.weight(), contacts(), s.gossipInterval(), s.requestTimeout(), s.replication().n());
    return new GossipMembership(ms, s.founders(), s.partitions(), s.transport(), s.storage(), context.scheduler(),
        s.clock(), s.random(), new PhiAccrualDetector(s.phiThreshold(), s.gossipInterval().toMillis()));
  }

  /** Returns the context the parts share. */
  public NodeContext context() {
    return context;
  }

  /** Returns the node's actor id: its id and this run's incarnation. */
  public ActorId actor() {
    return context.actor().current();
  }

  /** Returns the scheduler of background work and callbacks. */
  public Scheduler scheduler() {
    return context.scheduler();
  }

  /** Returns the coordinator that stores use. */
  /** Returns what the application's stores send requests through: the coordinator, its latencies recorded. */
  public Coordination coordination() {
    return coordination;
  }

  /** Returns the latencies of this node's operations, by operation and store. */
  public Latencies latencies() {
    return latencies;
  }

  public Coordinator coordinator() {
    return coordinator;
  }

  /** Returns the membership service. */
  public GossipMembership membership() {
    return membership;
  }

  /** Returns the committed ring. */
  public Ring ring() {
    return membership.ring();
  }

  /** Returns this node's view of its peers' health. */
  public PeerHealth health() {
    return health;
  }

  /**
   * Returns a future that completes once this node is UP: a full member; or fails if the ring has
   * no partition for it (more members than partitions).
   */
  public CompletableFuture<Void> joined() {
    CompletableFuture<Void> joined = new CompletableFuture<>();
    java.util.function.Consumer<ClusterState> check = state -> {
      if (state.member(settings.id()).map(m -> m.status() == MemberStatus.UP).orElse(false)) {
        joined.complete(null);
      }
      membership.cannotJoin().ifPresent(why -> joined.completeExceptionally(new IllegalStateException(why)));
    };
    membership.onChange(check);
    check.accept(membership.state());
    return joined;
  }

  /** Decommissions this node; completes once it is LEFT. */
  public CompletableFuture<Void> leave() {
    return membership.leave();
  }

  /** Declares {@code node} gone for good. */
  public void remove(NodeId node) {
    membership.remove(node);
  }

  /** Runs an anti-entropy pass now. */
  public CompletableFuture<RepairReport> repair() {
    return antiEntropy.repairNow();
  }

  /**
   * Drops {@code store} on every member that has not left, this node included; fails naming the
   * members that did not confirm.
   */
  public CompletableFuture<Void> dropStore(String store) {
    io.dynamokv.spi.StorageKey.validateStore(store);
    List<MemberState> members = membership.state().members().values().stream()
        .filter(m -> m.status() != MemberStatus.LEFT).toList();
    Map<NodeId, String> failures = new java.util.concurrent.ConcurrentHashMap<>();
    List<CompletableFuture<?>> answers = new ArrayList<>();
    for (MemberState m : members) {
      CompletableFuture<?> answer = m.id().equals(settings.id()) ? context.stores().drop(store)
          : settings.transport().request(m.endpoint(), new Addressed(m.id(), new DropStore(store)), settings.requestTimeout());
      answers.add(answer.whenComplete((r, t) -> {
        if (t != null) {
          failures.put(m.id(), Failures.describe(t));
        }
      }));
    }
    log.info("node {}: dropping store {} on {} members", settings.id(), store, members.size());
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).handle((v, t) -> {
      if (!failures.isEmpty()) {
        throw new InsufficientReplicasException("drop store " + store, members.size(),
            members.size() - failures.size(), failures);
      }
      return null;
    });
  }

  /** Returns what this node knows of the cluster. */
  public ClusterStatus status() {
    ClusterState s = membership.state();
    Map<NodeId, Integer> owned = s.committed().map(Ring::ownershipCounts).orElse(Map.of());
    Map<NodeId, Integer> pending = s.pending().map(Ring::ownershipCounts).orElse(owned);
    long now = settings.clock().currentTimeMillis();
    List<ClusterStatus.Member> members = new ArrayList<>();
    for (MemberState m : s.members().values()) {
      boolean self = m.id().equals(settings.id());
      java.util.OptionalLong heard = self ? java.util.OptionalLong.empty() : membership.detector().lastHeard(m.id());
      members.add(new ClusterStatus.Member(m.id(), m.endpoint(), m.status().name(), health.isUp(m.id()),
          self ? 0 : membership.detector().phi(m.id(), now),
          heard.isPresent() ? Optional.of(Duration.ofMillis(Math.max(0, now - heard.getAsLong()))) : Optional.empty(),
          owned.getOrDefault(m.id(), 0), pending.getOrDefault(m.id(), 0)));
    }
    Map<NodeId, ClusterStatus.HintBacklog> hints = hintBacklog();
    List<ClusterStatus.PartitionBehind> behind = partitionsBehind();
    Optional<ClusterStatus.Transfer> progress = transfer.progress();
    return new ClusterStatus(settings.id(), s.committedId().version(), s.pending().map(Ring::version),
        s.committed().map(Ring::partitionCount).orElse(0), members,
        hints.values().stream().mapToLong(ClusterStatus.HintBacklog::hints).sum(), hints,
        Duration.ofMillis(antiEntropy.metrics().getOrDefault("antientropy.longest.since.in.sync.ms", 0L)),
        behind, progress, pendingWork(hints, behind, progress));
  }

  /** Returns every counter: the node's, membership's, transfers', the storage engine's and the transport's. */
  public Map<String, Long> metrics() {
    Map<String, Long> all = new TreeMap<>(metrics.snapshot());
    all.putAll(settings.storage().metrics());
    all.putAll(settings.transport().metrics());
    all.putAll(antiEntropy.metrics());
    all.putAll(membership.metrics());
    all.putAll(transfer.metrics());
    all.put("actor.renewals", context.actor().renewals());
    Map<NodeId, ClusterStatus.HintBacklog> hints = hintBacklog();
    all.put("hints.pending", hints.values().stream().mapToLong(ClusterStatus.HintBacklog::hints).sum());
    all.put("hints.pending.bytes", hints.values().stream().mapToLong(ClusterStatus.HintBacklog::bytes).sum());
    Optional<ClusterStatus.Transfer> t = transfer.progress();
    all.put("transfer.partitions.pending", (long) t.map(p -> p.partitionsTotal() - p.partitionsDone()).orElse(0));
    all.putAll(latencies.failureCounts());
    return all;
  }

  /** Returns the members (not LEFT) this node believes down: failed requests or convicted by the detector. */
  public Set<NodeId> downPeers() {
    Set<NodeId> down = new TreeSet<>(health.downPeers());
    membership.state().members().values().forEach(m -> {
      if (m.status() != MemberStatus.LEFT && !health.isUp(m.id())) {
        down.add(m.id());
      }
    });
    return down;
  }

  /** Stops the background work, then closes the transport, the storage and the scheduler the node owns. */
  public void close() {
    summaries.cancel();
    transfer.stop();
    membership.stop();
    antiEntropy.stop();
    handoff.stop();
    health.stop();
    settings.transport().close();
    if (context.actor().renewals() > 0) {
      context.actor().save(); // a clean stop keeps the incarnation: it must be the renewed one
    }
    settings.storage().close();
    ownedScheduler.ifPresent(ExecutorScheduler::close);
  }
}
