package io.dynamokv.internal.membership;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.Member;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.internal.wire.GossipDelta;
import io.dynamokv.internal.wire.GossipDigest;
import io.dynamokv.internal.wire.MemberDigest;
import io.dynamokv.internal.wire.RingState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node's view of the cluster at one moment: every member's latest entry, the committed ring
 * and the pending ring the cluster is moving to. Immutable; merging returns a new state.
 *
 * <p>Merging is a join: entries keep the one that {@link MemberState#supersedes} the other, rings
 * keep the later {@link RingId}, and a pending ring survives only while it is later than the
 * committed one. It is commutative, associative and idempotent, so nodes that have exchanged the
 * same information hold the same state whatever the order of the exchanges.
 */
public final class ClusterState {

  private static final ClusterState EMPTY = new ClusterState(new TreeMap<>(), Optional.empty(), Optional.empty());

  private final SortedMap<NodeId, MemberState> members;
  private final Optional<Ring> committed;
  private final Optional<Ring> pending;

  private ClusterState(SortedMap<NodeId, MemberState> members, Optional<Ring> committed, Optional<Ring> pending) {
    this.members = Collections.unmodifiableSortedMap(members);
    this.committed = committed;
    this.pending = pending.filter(p -> committed.isEmpty() || p.id().isAfter(committed.get().id()));
  }

  /** Returns the state that knows nothing. */
  public static ClusterState empty() {
    return EMPTY;
  }

  /** Returns every member's entry, LEFT ones included (so they are not brought back). */
  public SortedMap<NodeId, MemberState> members() {
    return members;
  }

  /** Returns {@code node}'s entry, if known. */
  public Optional<MemberState> member(NodeId node) {
    return Optional.ofNullable(members.get(node));
  }

  /** Returns the committed ring, if known. */
  public Optional<Ring> committed() {
    return committed;
  }

  /** Returns the pending ring, if the cluster is moving to one. */
  public Optional<Ring> pending() {
    return pending;
  }

  /** Returns the id of the committed ring, or {@link RingId#NONE}. */
  public RingId committedId() {
    return committed.map(Ring::id).orElse(RingId.NONE);
  }

  /** Returns the id of the pending ring, or {@link RingId#NONE}. */
  public RingId pendingId() {
    return pending.map(Ring::id).orElse(RingId.NONE);
  }

  /** Returns the latest ring known: the pending one if any, else the committed one. */
  public RingId latestId() {
    return pending.isPresent() ? pendingId() : committedId();
  }

  /** Returns the members that should own partitions: those JOINING or UP, with their weights. */
  public List<Member> ringMembers() {
    List<Member> out = new ArrayList<>();
    for (MemberState m : members.values()) {
      if (m.status() == MemberStatus.JOINING || m.status() == MemberStatus.UP) {
        out.add(new Member(m.id(), Math.min(m.weight(), Member.MAX_WEIGHT)));
      }
    }
    return out;
  }

  /** Returns this state with {@code entry} put in place of the node's, whatever their versions (own entry). */
  public ClusterState withOwnEntry(MemberState entry) {
    SortedMap<NodeId, MemberState> next = new TreeMap<>(members);
    next.put(entry.id(), entry);
    return new ClusterState(next, committed, pending);
  }

  /** Returns this state with {@code ring} pending. */
  public ClusterState withPending(Ring ring) {
    return new ClusterState(new TreeMap<>(members), committed, Optional.of(ring));
  }

  /** Returns this state with the pending ring committed. */
  public ClusterState commitPending() {
    if (pending.isEmpty()) {
      throw new IllegalStateException("no pending ring to commit");
    }
    return new ClusterState(new TreeMap<>(members), pending, Optional.empty());
  }

  /** Returns the merge of this state and what another node sent. */
  public ClusterState merge(Collection<MemberState> entries, Optional<Ring> otherCommitted, Optional<Ring> otherPending) {
    SortedMap<NodeId, MemberState> next = null;
    for (MemberState e : entries) {
      MemberState mine = members.get(e.id());
      if (mine == null || e.supersedes(mine)) {
        if (next == null) {
          next = new TreeMap<>(members);
        }
        next.put(e.id(), e);
      }
    }
    Optional<Ring> c = later(committed, otherCommitted);
    Optional<Ring> p = later(pending, otherPending);
    if (next == null && c.equals(committed) && p.equals(pending)) {
      return this;
    }
    return new ClusterState(next == null ? new TreeMap<>(members) : next, c, p);
  }

  private static Optional<Ring> later(Optional<Ring> a, Optional<Ring> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return b.get().id().isAfter(a.get().id()) ? b : a;
  }

  /** Returns the digest of this state, the first message of a gossip round. */
  public GossipDigest digest(NodeId self) {
    List<MemberDigest> digests = new ArrayList<>(members.size());
    members.values().forEach(m -> digests.add(m.digest()));
    return new GossipDigest(self, digests, committedId(), pendingId());
  }

  /**
   * Answers a digest: the entries held here newer than the sender's (or unknown to it), the rings
   * if later here, and what this side wants in return.
   */
  public GossipDelta deltaFor(GossipDigest digest) {
    Map<NodeId, MemberDigest> theirs = new HashMap<>();
    digest.members().forEach(d -> theirs.put(d.id(), d));
    List<MemberState> newer = new ArrayList<>();
    List<NodeId> wanted = new ArrayList<>();
    for (MemberState mine : members.values()) {
      MemberDigest their = theirs.get(mine.id());
      if (their == null || mine.digest().compareTo(their) > 0) {
        newer.add(mine);
      }
    }
    for (MemberDigest their : digest.members()) {
      MemberState mine = members.get(their.id());
      if (mine == null || their.compareTo(mine.digest()) > 0) {
        wanted.add(their.id());
      }
    }
    Optional<RingState> c = committed.filter(r -> r.id().isAfter(digest.committed())).map(ClusterState::toWire);
    Optional<RingState> p = pending.filter(r -> r.id().isAfter(digest.pending())).map(ClusterState::toWire);
    boolean wantsRings = digest.committed().isAfter(committedId()) || digest.pending().isAfter(pendingId());
    return new GossipDelta(newer, c, p, wanted, wantsRings);
  }

  /** Returns what a digest's sender sends back for {@code delta}: the entries and rings asked for. */
  public Gossip answer(NodeId self, GossipDelta delta) {
    List<MemberState> asked = new ArrayList<>();
    delta.wanted().forEach(id -> member(id).ifPresent(asked::add));
    return new Gossip(self, asked, delta.wantsRings() ? committed.map(ClusterState::toWire) : Optional.empty(),
        delta.wantsRings() ? pending.map(ClusterState::toWire) : Optional.empty());
  }

  /** Returns the whole state as one message (to save it, or to seed a peer). */
  public Gossip toGossip(NodeId self) {
    return new Gossip(self, List.copyOf(members.values()), committed.map(ClusterState::toWire),
        pending.map(ClusterState::toWire));
  }

  /** Returns the ring a message carries. */
  public static Ring fromWire(RingState state) {
    return Ring.of(state.version(), state.owners());
  }

  /** Returns the message form of {@code ring}. */
  public static RingState toWire(Ring ring) {
    return new RingState(ring.version(), ring.owners());
  }

  @Override
  public String toString() {
    return "ClusterState{members=" + members.size() + ", committed=" + committedId() + ", pending=" + pendingId() + "}";
  }
}
