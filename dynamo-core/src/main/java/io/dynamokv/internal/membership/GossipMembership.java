package io.dynamokv.internal.membership;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.NodeNotRunningException;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.ring.RingPlanner;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Frame;
import io.dynamokv.internal.wire.FrameCodec;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.internal.wire.GossipDelta;
import io.dynamokv.internal.wire.GossipDigest;
import io.dynamokv.internal.wire.MemberState;
import io.dynamokv.internal.wire.MemberStatus;
import io.dynamokv.internal.wire.RingState;
import io.dynamokv.internal.wire.WireMessage;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossip membership (the paper's section 4.8): no master; every node holds a {@link ClusterState}
 * and once per interval reconciles it with a random live peer, now and then with a seed or a peer
 * it believes down. A round is three messages: this node's digest, the peer's delta (its newer
 * entries and what it wants), and the entries it asked for. Heartbeats ride on the entries and
 * feed the {@link PhiAccrualDetector}.
 *
 * <h2>The ring</h2>
 * Every node applies the same rules to the state it holds, so nodes that hold the same state
 * take the same steps and the cluster converges without a leader:
 * <ol>
 *   <li>When the members that should own partitions (JOINING or UP) differ from the nodes of the
 *       latest ring, the node plans the next ring from the latest with minimal movement
 *       ({@link RingPlanner}) and makes it pending. Two nodes planning at once may make different
 *       rings of one version; all keep the one with the greater {@link RingId}.</li>
 *   <li>While a ring is pending, writes also reach its new owners, and each node pulls the
 *       partitions it gains ({@code PartitionTransfer}) and then says it is ready for that ring.</li>
 *   <li>When every node of the pending ring is ready for it, the ring is committed: reads, writes
 *       and anti-entropy move to it. A JOINING node in it becomes UP; a LEAVING node not in it
 *       becomes LEFT.</li>
 * </ol>
 * The state is saved in the storage's metadata whenever a ring or a status changes, so a node
 * restarts where it was.
 *
 * <p>Thread-safe: changes happen under this object's lock; readers see an immutable state.
 */
public final class GossipMembership implements ClusterView {

  private static final Logger log = LoggerFactory.getLogger(GossipMembership.class);
  static final String META_STATE = "membership/state";

  /** What the service needs. */
  public record Settings(NodeId self, Endpoint endpoint, long generation, int weight, List<Endpoint> seeds,
      Duration gossipInterval, Duration requestTimeout, int spacing) {
    /** Copies the seeds. */
    public Settings {
      seeds = List.copyOf(seeds);
    }
  }

  private final Settings settings;
  private final Transport transport;
  private final StorageEngine storage;
  private final Scheduler scheduler;
  private final Clock clock;
  private final RandomGenerator random;
  private final PhiAccrualDetector detector;
  private final RingPlanner planner;
  private final List<Consumer<ClusterState>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> left = new CompletableFuture<>();
  private final LongAdder rounds = new LongAdder();
  private final LongAdder ringsPlanned = new LongAdder();
  private final LongAdder ringsCommitted = new LongAdder();
  private volatile ClusterState state;
  private volatile Predicate<NodeId> reachable = n -> true;
  private volatile Set<NodeId> convicted = Set.of();
  private volatile Periodic gossipRounds;
  private final Set<NodeId> knowThisNodeLeft = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private int roundsSinceLeft = -1;
  private static final int MAX_ROUNDS_TO_ANNOUNCE_LEAVING = 10;

  /**
   * Creates the service on {@code initial}, the state loaded from storage or made for a founding
   * or joining node (see {@link #initialState}).
   */
  public GossipMembership(Settings settings, ClusterState initial, Transport transport, StorageEngine storage,
      Scheduler scheduler, Clock clock, RandomGenerator random, PhiAccrualDetector detector) {
    this.settings = settings;
    this.state = Objects.requireNonNull(initial, "initial");
    this.transport = transport;
    this.storage = storage;
    this.scheduler = scheduler;
    this.clock = clock;
    this.random = random;
    this.detector = detector;
    this.planner = RingPlanner.withSpacing(settings.spacing());
  }

  /**
   * Returns the state a node starts from: the one it saved if any (its own entry renewed with
   * this run's generation); else, with {@code founders}, the founding cluster's first ring with
   * every founder UP; else itself alone, JOINING, to learn the cluster from its seeds.
   */
  public static ClusterState initialState(Settings s, StorageEngine storage, java.util.Map<NodeId, Endpoint> founders,
      int partitions) {
    Optional<byte[]> saved = storage.getMetadata(META_STATE);
    if (saved.isPresent()) {
      Gossip g = (Gossip) FrameCodec.decode(saved.get()).message();
      ClusterState loaded = ClusterState.empty().merge(g.members(),
          g.committed().map(ClusterState::fromWire), g.pending().map(ClusterState::fromWire));
      MemberStatus was = loaded.member(s.self()).map(MemberState::status).orElse(MemberStatus.JOINING);
      // A node that had left and starts again on its data joins anew.
      MemberStatus status = was == MemberStatus.LEFT ? MemberStatus.JOINING : was;
      MemberState own = new MemberState(s.self(), s.endpoint(), s.generation(), 0, s.weight(), status,
          loaded.latestId(), loaded.member(s.self()).map(MemberState::ready).orElse(RingId.NONE));
      return loaded.withOwnEntry(own);
    }
    if (!founders.isEmpty()) {
      Ring first = RingPlanner.withSpacing(s.spacing()).initial(partitions,
          founders.keySet().stream().map(io.dynamokv.internal.ring.Member::of).toList());
      List<MemberState> entries = new ArrayList<>();
      founders.forEach((id, endpoint) -> entries.add(
          new MemberState(id, endpoint, Long.MIN_VALUE, 0, 1, MemberStatus.UP, first.id(), first.id())));
      return ClusterState.empty().merge(entries, Optional.of(first), Optional.empty())
          .withOwnEntry(new MemberState(s.self(), s.endpoint(), s.generation(), 0, s.weight(), MemberStatus.UP,
              first.id(), first.id()));
    }
    return ClusterState.empty().withOwnEntry(new MemberState(s.self(), s.endpoint(), s.generation(), 0, s.weight(),
        MemberStatus.JOINING, RingId.NONE, RingId.NONE));
  }

  /** Starts the gossip rounds; {@code reachable} is the node's combined view of which peers are up. */
  public void start(Predicate<NodeId> reachable) {
    this.reachable = reachable;
    synchronized (this) {
      persist();
      transitions();
    }
    gossipRounds = Periodic.start(scheduler, settings.gossipInterval(), settings.self() + ": gossip round", this::round);
    log.info("{}: membership started: {} (status {}), seeds {}", settings.self(), state,
        self().status(), settings.seeds());
  }

  /** Stops the rounds. */
  public void stop() {
    Periodic r = gossipRounds;
    if (r != null) {
      r.cancel();
    }
  }

  /** Calls {@code listener} with the new state after every change of a ring or a status. */
  public void onChange(Consumer<ClusterState> listener) {
    listeners.add(listener);
  }

  // ------------------------------------------------------------- view

  @Override
  public Ring ring() {
    return state.committed().orElseThrow(() -> new NodeNotRunningException("node " + settings.self()
        + " has not joined a cluster yet: no ring learned from its seeds " + settings.seeds()));
  }

  @Override
  public Optional<Ring> pendingRing() {
    return state.pending();
  }

  @Override
  public Optional<Endpoint> endpointOf(NodeId node) {
    return state.member(node).map(MemberState::endpoint);
  }

  @Override
  public boolean isMember(NodeId node) {
    return state.member(node).map(m -> m.status() != MemberStatus.LEFT).orElse(false);
  }

  /** Returns the current state. */
  public ClusterState state() {
    return state;
  }

  /** Returns this node's own entry. */
  public MemberState self() {
    return state.member(settings.self()).orElseThrow();
  }

  /** Returns the failure detector fed by gossip. */
  public PhiAccrualDetector detector() {
    return detector;
  }

  /**
   * Returns whether the accrual detector suspected {@code node} beyond its threshold at the last
   * gossip round (re-evaluated each round, not on every request: this is asked several times per
   * read and write).
   */
  public boolean isConvicted(NodeId node) {
    return convicted.contains(node);
  }

  private void updateConvictions() {
    long now = clock.currentTimeMillis();
    Set<NodeId> next = new java.util.HashSet<>();
    for (NodeId id : state.members().keySet()) {
      if (!id.equals(settings.self()) && detector.isConvicted(id, now)) {
        next.add(id);
      }
    }
    convicted = Set.copyOf(next);
  }

  /** Returns the counters: gossip rounds, rings planned and committed, the committed ring's version. */
  public java.util.Map<String, Long> metrics() {
    ClusterState s = state;
    java.util.Map<String, Long> m = new java.util.TreeMap<>();
    m.put("gossip.rounds", rounds.sum());
    m.put("ring.planned", ringsPlanned.sum());
    m.put("ring.committed", ringsCommitted.sum());
    m.put("ring.version", s.committedId().version());
    m.put("ring.pending.version", s.pendingId().version());
    m.put("members.known", (long) s.members().size());
    return m;
  }

  // ------------------------------------------------------------- operator actions

  /**
   * Starts this node's decommission: it becomes LEAVING, the cluster plans a ring without it,
   * its partitions move to their new owners, and it becomes LEFT. The future completes then; the
   * node may be closed.
   */
  public synchronized CompletableFuture<Void> leave() {
    MemberState me = self();
    if (me.status() == MemberStatus.UP || me.status() == MemberStatus.JOINING) {
      log.info("{}: leaving the cluster: partitions will move to the other nodes", settings.self());
      setSelf(me.withStatus(MemberStatus.LEAVING));
      changed();
    }
    return left;
  }

  /**
   * Declares {@code node} gone for good (an operator's removenode): it becomes LEFT, and its
   * partitions are re-replicated from the other replicas. For a node that cannot leave by itself.
   *
   * @throws IllegalArgumentException if {@code node} is this node or unknown
   */
  public synchronized void remove(NodeId node) {
    if (node.equals(settings.self())) {
      throw new IllegalArgumentException("node : " + node + " (expected: another node; to remove this one, leave())");
    }
    MemberState entry = state.member(node).orElseThrow(() -> new IllegalArgumentException(
        "node : " + node + " (expected: a member; known: " + state.members().keySet() + ")"));
    if (entry.status() != MemberStatus.LEFT) {
      log.warn("{}: removing {} from the cluster by operator's request", settings.self(), node);
      state = state.merge(List.of(entry.withStatus(MemberStatus.LEFT)), Optional.empty(), Optional.empty());
      changed();
    }
  }

  /** Records that this node has received every partition it gains in the ring {@code ready}. */
  public synchronized void markReady(RingId ready) {
    MemberState me = self();
    if (!me.ready().equals(ready)) {
      setSelf(me.withRings(me.seen(), ready));
      changed();
    }
  }

  // ------------------------------------------------------------- gossip

  /** One round: heartbeat, then gossip with a live peer, maybe a down one, maybe a seed. */
  void round() {
    rounds.increment();
    updateConvictions();
    synchronized (this) {
      setSelf(self().beat());
      if (roundsSinceLeft >= 0 && !left.isDone() && (everyReachablePeerKnowsThisNodeLeft()
          || ++roundsSinceLeft > MAX_ROUNDS_TO_ANNOUNCE_LEAVING)) {
        log.info("{}: the other nodes know this node has left", settings.self());
        left.complete(null);
      }
    }
    ClusterState s = state;
    List<MemberState> live = new ArrayList<>();
    List<MemberState> down = new ArrayList<>();
    for (MemberState m : s.members().values()) {
      if (m.id().equals(settings.self()) || m.status() == MemberStatus.LEFT) {
        continue;
      }
      (reachable.test(m.id()) ? live : down).add(m);
    }
    boolean gossipedToSeed = false;
    if (!live.isEmpty()) {
      MemberState target = live.get(random.nextInt(live.size()));
      gossipedToSeed = settings.seeds().contains(target.endpoint());
      gossipWith(target.endpoint());
    }
    // Like Cassandra: now and then a peer believed down, so that it is noticed when it returns...
    if (!down.isEmpty() && random.nextDouble() < down.size() / (double) (live.size() + 1)) {
      gossipWith(down.get(random.nextInt(down.size())).endpoint());
    }
    // ...and a seed, so that partitions of the cluster that lost touch find each other again.
    List<Endpoint> seeds = settings.seeds().stream().filter(e -> !e.equals(settings.endpoint())).toList();
    if (!seeds.isEmpty() && !gossipedToSeed
        && (live.isEmpty() || random.nextDouble() < seeds.size() / (double) (live.size() + down.size() + 1))) {
      gossipWith(seeds.get(random.nextInt(seeds.size())));
    }
  }

  private void gossipWith(Endpoint peer) {
    transport.request(peer, state.digest(settings.self()), settings.requestTimeout()).whenComplete((reply, failure) -> {
      if (failure != null || !(reply instanceof GossipDelta delta)) {
        log.debug("{}: gossip with {} failed: {}", settings.self(), peer, failure != null ? failure : reply);
        return;
      }
      apply(delta.members(), delta.committed(), delta.pending());
      if (self().status() == MemberStatus.LEFT && !delta.wanted().contains(settings.self())) {
        // The peer did not ask for our entry: it holds our LEFT one already.
        state.members().values().stream().filter(m -> m.endpoint().equals(peer))
            .forEach(m -> knowThisNodeLeft.add(m.id()));
      }
      if (!delta.wanted().isEmpty() || delta.wantsRings()) {
        transport.request(peer, state.answer(settings.self(), delta), settings.requestTimeout());
      }
    });
  }

  /**
   * Returns whether every member believed up has shown (in a digest it sent, or by not asking for
   * our entry) that it knows this node LEFT: a leaving node keeps gossiping until then, or its
   * exit would reach no one.
   */
  private boolean everyReachablePeerKnowsThisNodeLeft() {
    for (MemberState m : state.members().values()) {
      if (!m.id().equals(settings.self()) && m.status() != MemberStatus.LEFT && reachable.test(m.id())
          && !knowThisNodeLeft.contains(m.id())) {
        return false;
      }
    }
    return true;
  }

  /** Serves the gossip messages of other nodes. */
  public CompletableFuture<Message> handle(Message request) {
    if (request instanceof GossipDigest digest) {
      for (io.dynamokv.internal.wire.MemberDigest d : digest.members()) {
        if (d.id().equals(settings.self()) && d.left()) {
          knowThisNodeLeft.add(digest.from());
        }
      }
      return CompletableFuture.completedFuture(state.deltaFor(digest));
    }
    if (request instanceof Gossip gossip) {
      apply(gossip.members(), gossip.committed(), gossip.pending());
      return CompletableFuture.completedFuture(new Ack());
    }
    return CompletableFuture.failedFuture(new IllegalArgumentException("not a gossip message: " + request));
  }

  /** Merges what a peer sent; feeds the failure detector with the heartbeats that advanced. */
  synchronized void apply(Collection<MemberState> entries, Optional<RingState> committed, Optional<RingState> pending) {
    ClusterState before = state;
    Optional<Ring> c = committed.map(ClusterState::fromWire).filter(this::sameKeySpace);
    Optional<Ring> p = pending.map(ClusterState::fromWire).filter(this::sameKeySpace);
    ClusterState next = before.merge(entries, c, p);
    if (next == before) {
      return;
    }
    long now = clock.currentTimeMillis();
    for (MemberState e : entries) {
      if (e.id().equals(settings.self())) {
        continue;
      }
      MemberState old = before.member(e.id()).orElse(null);
      if (old == null || e.supersedes(old)) {
        if (old != null && old.generation() != e.generation()) {
          detector.forget(e.id()); // a restart: the old run's rhythm says nothing of the new one
        }
        detector.heartbeat(e.id(), now);
      }
    }
    state = next;
    MemberState mineBefore = before.member(settings.self()).orElseThrow();
    MemberState mineAfter = next.member(settings.self()).orElseThrow();
    if (mineAfter != mineBefore) {
      if (mineAfter.status() == MemberStatus.LEFT && mineBefore.status() != MemberStatus.LEFT) {
        log.error("{}: an operator removed this node from the cluster; it no longer owns partitions",
            settings.self());
      } else {
        // Another node holds an entry of ours newer than ours (from before a restart): outbid it.
        setSelf(new MemberState(mineBefore.id(), mineBefore.endpoint(), mineAfter.generation(),
            mineAfter.version() + 1, mineBefore.weight(), mineBefore.status(), mineBefore.seen(), mineBefore.ready()));
      }
    }
    if (!statusesAndRings(before).equals(statusesAndRings(state))) {
      changed();
    }
  }

  private boolean sameKeySpace(Ring ring) {
    Optional<Ring> mine = state.committed();
    if (mine.isPresent() && mine.get().partitionCount() != ring.partitionCount()) {
      log.error("{}: ignoring a ring of {} partitions from another cluster (this cluster has {})", settings.self(),
          ring.partitionCount(), mine.get().partitionCount());
      return false;
    }
    return true;
  }

  private static String statusesAndRings(ClusterState s) {
    return s.members().values().stream().map(m -> m.id() + ":" + m.status() + ":" + m.seen() + ":" + m.ready())
        .collect(Collectors.joining(",")) + "|" + s.committedId() + "|" + s.pendingId();
  }

  private void setSelf(MemberState entry) {
    state = state.withOwnEntry(entry);
  }

  /** After a change of a status or ring: apply the ring rules, save, tell the listeners. */
  private void changed() {
    transitions();
    persist();
    ClusterState s = state;
    listeners.forEach(l -> scheduler.execute(() -> l.accept(s)));
  }

  /** The ring rules of the class comment, applied until none applies. */
  private void transitions() {
    for (int i = 0; i < 8; i++) {
      ClusterState s = state;
      if (s.committed().isEmpty()) {
        return; // a joining node that has not heard from a seed yet
      }
      Ring committed = s.committed().get();
      MemberState me = self();
      if (me.status() == MemberStatus.JOINING && committed.nodes().contains(settings.self())) {
        log.info("{}: joined: ring {} gives this node {} partitions", settings.self(), committed.id(),
            committed.ownershipCounts().get(settings.self()));
        setSelf(me.withStatus(MemberStatus.UP));
        continue;
      }
      if (me.status() == MemberStatus.LEAVING && !committed.nodes().contains(settings.self())
          && s.pending().map(r -> !r.nodes().contains(settings.self())).orElse(true)) {
        log.info("{}: left: ring {} no longer includes this node", settings.self(), committed.id());
        setSelf(me.withStatus(MemberStatus.LEFT));
        roundsSinceLeft = 0; // the future completes once the others know (see round())
        continue;
      }
      Ring latest = s.pending().orElse(committed);
      Set<NodeId> wanted = s.ringMembers().stream().map(io.dynamokv.internal.ring.Member::id).collect(Collectors.toSet());
      if (!wanted.isEmpty() && !wanted.equals(latest.nodes())) {
        Ring planned = planner.plan(latest, s.ringMembers(), latest.version() + 1);
        ringsPlanned.increment();
        log.info("{}: planned ring {}: {} partitions move; members {}", settings.self(), planned.id(),
            latest.partitionsMovedTo(planned), new java.util.TreeSet<>(wanted));
        state = s.withPending(planned);
        continue;
      }
      if (s.pending().isPresent() && allReady(s, s.pending().get())) {
        Ring p = s.pending().get();
        ringsCommitted.increment();
        log.info("{}: committed ring {} ({} partitions moved)", settings.self(), p.id(), committed.partitionsMovedTo(p));
        state = s.commitPending();
        continue;
      }
      if (!me.seen().equals(s.latestId())) {
        setSelf(me.withRings(s.latestId(), me.ready()));
        continue;
      }
      return;
    }
  }

  private static boolean allReady(ClusterState s, Ring pending) {
    for (NodeId n : pending.nodes()) {
      if (!s.member(n).map(m -> m.ready().equals(pending.id())).orElse(false)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns whether every member this node believes up (and not LEFT) has adopted {@code ring} or
   * a later one: from then on every write those nodes coordinate reaches the ring's new owners.
   */
  public boolean adoptedByAllReachable(RingId ring) {
    for (MemberState m : state.members().values()) {
      if (m.status() != MemberStatus.LEFT && reachable.test(m.id()) && m.seen().compareTo(ring) < 0) {
        return false;
      }
    }
    return true;
  }

  private void persist() {
    byte[] bytes = FrameCodec.encode(new Frame(0, false, state.toGossip(settings.self())));
    storage.putMetadata(META_STATE, bytes).exceptionally(t -> {
      log.warn("{}: could not save the membership state", settings.self(), t);
      return null;
    });
  }
}
