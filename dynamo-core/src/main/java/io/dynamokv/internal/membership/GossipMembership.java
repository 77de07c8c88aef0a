package io.dynamokv.internal.membership;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.NodeNotRunningException;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.ring.RingPlanner;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.internal.wire.GossipDelta;
import io.dynamokv.internal.wire.GossipDigest;
import io.dynamokv.internal.wire.RingState;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossip membership (the paper's section 4.8): no master; every node holds a {@link ClusterState}
 * and once per interval reconciles it with a random live peer, now and then with a seed or a peer
 * it believes down. A round is three messages: this node's digest, the peer's delta (its newer
 * entries and what it wants), and the entries it asked for. Heartbeats ride on the entries and
 * feed the {@link PhiAccrualDetector}. After every change of a status or a ring, the node applies
 * the {@link RingRules} to the state, saves it ({@link MembershipStore}) and tells its listeners.
 *
 * <p>Thread-safe: changes happen under this object's lock; readers see an immutable state.
 */
public final class GossipMembership implements ClusterView {

  private static final Logger log = LoggerFactory.getLogger(GossipMembership.class);

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
  private final MembershipStore store;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final GossipHeartbeats heartbeats;
  private final Clock clock;
  private final RingPlanner planner;
  private final List<Consumer<ClusterState>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> left = new CompletableFuture<>();
  private final LongAdder rounds = new LongAdder();
  private final LongAdder ringsPlanned = new LongAdder();
  private final LongAdder ringsCommitted = new LongAdder();
  private final LongAdder saves = new LongAdder();
  private ClusterState lastSaved; // guarded by this
  private boolean refusalLogged; // guarded by this
  private volatile ClusterState state;
  private volatile Predicate<NodeId> reachable = n -> true;
  private volatile Periodic gossipRounds;
  private final LeaveAnnouncement leaving = new LeaveAnnouncement();

  /**
   * Creates the service on the state this node starts from: the one it saved if any, else the
   * founding cluster's first ring (with {@code founders}), else itself alone, JOINING.
   *
   * @param partitions Q of a founding cluster
   */
  public GossipMembership(Settings settings, Map<NodeId, Endpoint> founders, int partitions, Transport transport,
      StorageEngine storage, Scheduler scheduler, Clock clock, RandomGenerator random, PhiAccrualDetector detector) {
    this.settings = settings;
    this.transport = transport;
    this.store = new MembershipStore(storage, settings.self());
    this.scheduler = scheduler;
    this.random = random;
    this.heartbeats = new GossipHeartbeats(settings.self(), detector, clock);
    this.clock = clock;
    this.planner = RingPlanner.withSpacing(settings.spacing());
    MemberState self = new MemberState(settings.self(), settings.endpoint(), settings.generation(), 0,
        settings.weight(), MemberStatus.JOINING, RingId.NONE, RingId.NONE);
    this.state = RingRules.initial(store.load(), founders, partitions, planner, self);
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
    return heartbeats.detector();
  }

  /**
   * Returns whether the accrual detector suspected {@code node} beyond its threshold at the last
   * gossip round (re-evaluated each round, not on every request: this is asked several times per
   * read and write).
   */
  public boolean isConvicted(NodeId node) {
    return heartbeats.isConvicted(node);
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
    m.put("membership.saves", saves.sum());
    return m;
  }

  /**
   * Starts this node's decommission: it becomes LEAVING, the cluster plans a ring without it,
   * its partitions move to their new owners, and it becomes LEFT. The future completes then; the
   * node may be closed.
   */
  public synchronized CompletableFuture<Void> leave() {
    if (change(RingRules.leave(state, settings.self()))) {
      log.info("{}: leaving the cluster: partitions will move to the other nodes", settings.self());
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
    if (change(RingRules.remove(state, settings.self(), node, clock.currentTimeMillis()))) {
      log.warn("{}: removed {} from the cluster by operator's request", settings.self(), node);
    }
  }

  /** Records that this node has received every partition it gains in the ring {@code ready}. */
  public synchronized void markReady(RingId ready) {
    change(RingRules.markReady(state, settings.self(), ready));
  }

  /** One round: heartbeat, then gossip with a live peer, maybe a down one, maybe a seed. */
  void round() {
    rounds.increment();
    heartbeats.evaluate(state.members().keySet());
    boolean hasLeft;
    synchronized (this) {
      hasLeft = self().status() == MemberStatus.LEFT;
      // A LEFT node's entry stays as it is: if it went on rising, every peer would keep asking
      // for it, and the node could never see that they all know it left.
      if (!hasLeft) {
        setSelf(self().beat());
      }
      if (!left.isDone() && leaving.done(state, settings.self(), reachable)) {
        log.info("{}: the other nodes know this node has left", settings.self());
        left.complete(null);
      }
    }
    if (hasLeft && !left.isDone()) {
      // Peers do not gossip with a LEFT node: it tells each of them itself, every round, until all know.
      GossipTargets.livePeers(state, settings.self(), reachable).forEach(this::gossipWith);
      return;
    }
    GossipTargets.choose(state, settings.self(), settings.endpoint(), settings.seeds(), reachable, random)
        .forEach(this::gossipWith);
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
            .forEach(m -> leaving.knownBy(m.id()));
      }
      if (!delta.wanted().isEmpty() || delta.wantsRings()) {
        transport.request(peer, state.answer(settings.self(), delta), settings.requestTimeout());
      }
    });
  }

  /**
   * Serves the gossip messages of other nodes, and clients' questions for the ring: the same
   * committed ring is an {@link Ack}, another one the whole state (which the client never
   * changes: it gossips nothing).
   */
  public CompletableFuture<Message> handle(Message request) {
    if (request instanceof io.dynamokv.internal.wire.RingQuery query) {
      ClusterState now = state;
      RingId committed = now.committedId();
      boolean same = committed.version() == query.knownVersion() && committed.fingerprint() == query.knownFingerprint();
      return CompletableFuture.completedFuture(same ? new Ack() : now.toGossip(settings.self()));
    }
    if (request instanceof GossipDigest digest) {
      for (io.dynamokv.internal.wire.MemberDigest d : digest.members()) {
        if (d.id().equals(settings.self()) && d.left()) {
          leaving.knownBy(digest.from());
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
  synchronized void apply(Collection<MemberState> gossiped, Optional<RingState> committed, Optional<RingState> pending) {
    ClusterState before = state;
    List<MemberState> entries = GossipChecks.believable(gossiped, clock.currentTimeMillis());
    // A ring names only members of the state it would join: ours with the gossiped entries.
    Map<NodeId, MemberState> members = committed.isEmpty() && pending.isEmpty() ? Map.of()
        : before.merge(entries, Optional.empty(), Optional.empty()).members();
    Optional<Ring> c = GossipChecks.believable(committed.map(ClusterState::fromWire).filter(this::sameKeySpace), members);
    Optional<Ring> p = GossipChecks.believable(pending.map(ClusterState::fromWire).filter(this::sameKeySpace), members);
    ClusterState next = before.merge(entries, c, p);
    if (next == before) {
      return;
    }
    heartbeats.observed(before, entries);
    state = RingRules.ownEntryAfterMerge(before, next, settings.self());
    if (state.member(settings.self()).orElseThrow().status() == MemberStatus.LEFT
        && before.member(settings.self()).orElseThrow().status() != MemberStatus.LEFT) {
      log.error("{}: an operator removed this node from the cluster; it no longer owns partitions", settings.self());
    }
    if (!sameStatusesAndRings(before, state)) {
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

  /**
   * Whether two states hold the same rings and the same status, seen and ready rings of every
   * member: whether a merge changed more than heartbeats. Compared field by field, since this runs
   * for every gossip message (rendering both states as text cost a thousand-node cluster most of
   * its gossip CPU).
   */
  static boolean sameStatusesAndRings(ClusterState a, ClusterState b) {
    return sameRingsAndMembers(a, b, (m, o) -> o.status() == m.status() && o.seen().equals(m.seen())
        && o.ready().equals(m.ready()));
  }

  /**
   * Whether {@code a} and {@code b} hold the same rings and the same members, each pair alike by
   * {@code alike}. Both member maps are sorted by id: walked side by side, no copy.
   */
  private static boolean sameRingsAndMembers(ClusterState a, ClusterState b,
      java.util.function.BiPredicate<MemberState, MemberState> alike) {
    if (!a.committedId().equals(b.committedId()) || !a.pendingId().equals(b.pendingId())
        || a.members().size() != b.members().size()) {
      return false;
    }
    java.util.Iterator<MemberState> others = b.members().values().iterator();
    for (MemberState m : a.members().values()) {
      MemberState o = others.next();
      if (!o.id().equals(m.id()) || !alike.test(m, o)) {
        return false;
      }
    }
    return true;
  }

  private void setSelf(MemberState entry) {
    state = state.withOwnEntry(entry);
  }

  /** Makes {@code next} the state, if it is another, and returns whether it was. */
  private synchronized boolean change(ClusterState next) {
    if (next == state) {
      return false;
    }
    state = next;
    changed();
    return true;
  }

  /** After a change of a status or ring: apply the ring rules, save, tell the listeners. */
  private void changed() {
    transitions();
    persist();
    ClusterState s = state;
    listeners.forEach(l -> scheduler.execute(() -> l.accept(s)));
  }

  /** The ring rules, applied until none applies. */
  private void transitions() {
    state = RingRules.settle(state, settings.self(), planner, this::stepTaken);
    Optional<String> refused = RingRules.cannotJoin(state, settings.self());
    if (refused.isPresent() && !refusalLogged) {
      log.error("{}", refused.get());
      refusalLogged = true;
    }
  }

  /** Returns why this node cannot join the cluster, if it is JOINING and the ring has no room for it. */
  public Optional<String> cannotJoin() {
    return RingRules.cannotJoin(state, settings.self());
  }

  private void stepTaken(RingRules.Step step) {
    if (step instanceof RingRules.Seen) {
      log.debug("{}: {}", settings.self(), step.describe(settings.self()));
      return;
    }
    log.info("{}: {}", settings.self(), step.describe(settings.self()));
    if (step instanceof RingRules.Left) {
      leaving.started(); // the future completes once the others know (see round())
    } else if (step instanceof RingRules.Planned) {
      ringsPlanned.increment();
    } else if (step instanceof RingRules.Committed) {
      ringsCommitted.increment();
    }
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

  /**
   * Saves the state if it differs from the last one saved in what a restart must not lose: the
   * rings, the members and their statuses, and this node's own entry. Other members' seen and
   * ready rings are left to gossip: each member's adoption of a new ring is a change, and saving
   * the whole state (rings of Q partitions and every member) for each cost a node of a thousand
   * O(n * (Q + n)) bytes written per ring change.
   */
  private void persist() {
    ClusterState s = state;
    if (lastSaved != null && !mustSave(lastSaved, s, settings.self())) {
      return;
    }
    store.save(s);
    lastSaved = s;
    saves.increment();
  }

  static boolean mustSave(ClusterState saved, ClusterState now, NodeId self) {
    return !sameRingsAndMembers(now, saved, (m, old) -> old.status() == m.status()
        && old.endpoint().equals(m.endpoint()) && old.generation() == m.generation() && old.weight() == m.weight()
        && (!m.id().equals(self) || (old.seen().equals(m.seen()) && old.ready().equals(m.ready()))));
  }
}
