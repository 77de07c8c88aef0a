package io.dynamokv.internal.membership;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.Member;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.ring.RingPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The rules that move members between JOINING, UP, LEAVING and LEFT and that plan and commit
 * rings, as pure functions from one {@link ClusterState} to the next (riak_core keeps its
 * claimant apart from its gossip in the same way). Every node applies the same rules to the
 * state it holds, so nodes that hold the same state take the same steps and the cluster
 * converges without a leader:
 * <ol>
 *   <li>A JOINING node that the committed ring includes becomes UP.</li>
 *   <li>A LEAVING node that neither the committed nor the pending ring includes becomes LEFT.</li>
 *   <li>When the members that should own partitions (JOINING or UP) differ from the nodes of the
 *       latest ring, the next ring is planned from the latest with minimal movement
 *       ({@link RingPlanner}) and made pending. Two nodes planning at once may make different
 *       rings of one version; merging keeps the one with the greater {@link RingId}.</li>
 *   <li>When every node of the pending ring is ready for it (it has received the partitions it
 *       gains), the pending ring is committed.</li>
 *   <li>A node records the latest ring it has seen, so others know when it writes to new owners.</li>
 * </ol>
 * Only the node's own entry changes (rules 1, 2 and 5 for itself; rules 3 and 4 change rings).
 * Stateless.
 */
final class RingRules {

  /** At most this many rules apply in a row; a state needs at most five (join, plan, commit, see...). */
  private static final int MAX_STEPS = 8;

  private RingRules() {}

  /** What one rule did, and the state it made. */
  sealed interface Step permits Joined, Left, Planned, Committed, Seen {
    /** Returns the state after the step. */
    ClusterState state();

    /** Returns what the step did, for the log of node {@code self}. */
    String describe(NodeId self);
  }

  /** Rule 1: this node became UP, owning partitions of {@code ring}. */
  record Joined(ClusterState state, Ring ring) implements Step {
    @Override
    public String describe(NodeId self) {
      return "joined: ring " + ring.id() + " gives this node " + ring.ownershipCounts().get(self) + " partitions";
    }
  }

  /** Rule 2: this node became LEFT, {@code ring} no longer including it. */
  record Left(ClusterState state, Ring ring) implements Step {
    @Override
    public String describe(NodeId self) {
      return "left: ring " + ring.id() + " no longer includes this node";
    }
  }

  /** Rule 3: {@code planned} became pending, planned from {@code from}. */
  record Planned(ClusterState state, Ring from, Ring planned) implements Step {
    @Override
    public String describe(NodeId self) {
      return "planned ring " + planned.id() + ": " + from.partitionsMovedTo(planned) + " partitions move; members "
          + planned.nodes();
    }
  }

  /** Rule 4: the pending ring {@code ring} was committed in place of {@code from}. */
  record Committed(ClusterState state, Ring from, Ring ring) implements Step {
    @Override
    public String describe(NodeId self) {
      return "committed ring " + ring.id() + " (" + from.partitionsMovedTo(ring) + " partitions moved)";
    }
  }

  /** Rule 5: this node recorded that it has seen the latest ring. */
  record Seen(ClusterState state) implements Step {
    @Override
    public String describe(NodeId self) {
      return "has seen ring " + state.latestId();
    }
  }

  /**
   * Returns the first rule that applies to {@code s} as node {@code self} holds it, or empty if
   * none does (or the node knows no ring yet).
   */
  static Optional<Step> next(ClusterState s, NodeId self, RingPlanner planner) {
    if (s.committed().isEmpty()) {
      return Optional.empty();
    }
    Ring committed = s.committed().get();
    MemberState me = s.member(self).orElseThrow(() -> new IllegalArgumentException(
        "self : " + self + " (expected: a member of the state, " + s.members().keySet() + ")"));
    if (me.status() == MemberStatus.JOINING && committed.nodes().contains(self)) {
      return Optional.of(new Joined(s.withOwnEntry(me.withStatus(MemberStatus.UP)), committed));
    }
    if (me.status() == MemberStatus.LEAVING && !committed.nodes().contains(self)
        && s.pending().map(r -> !r.nodes().contains(self)).orElse(true)) {
      return Optional.of(new Left(s.withOwnEntry(me.withStatus(MemberStatus.LEFT)), committed));
    }
    Ring latest = s.pending().orElse(committed);
    Set<NodeId> wanted = s.ringMembers().stream().map(Member::id).collect(Collectors.toSet());
    if (!wanted.isEmpty() && !wanted.equals(latest.nodes())) {
      Ring planned = planner.plan(latest, s.ringMembers(), latest.version() + 1);
      // A ring that moves nothing changes nothing: the members it lacks would own no partition
      // (more members than Q, or a weight too small for one). They stay JOINING; planning it
      // anyway made a new ring version at every step, for ever.
      if (!planned.owners().equals(latest.owners())) {
        return Optional.of(new Planned(s.withPending(planned), latest, planned));
      }
    }
    if (s.pending().isPresent() && allReady(s, s.pending().get())) {
      return Optional.of(new Committed(s.commitPending(), committed, s.pending().get()));
    }
    if (!me.seen().equals(s.latestId())) {
      return Optional.of(new Seen(s.withOwnEntry(me.withRings(s.latestId(), me.ready()))));
    }
    return Optional.empty();
  }

  /**
   * Returns why {@code self} cannot join, if it is JOINING and the ring has no partition for it:
   * the members that should own partitions outnumber Q.
   */
  static Optional<String> cannotJoin(ClusterState s, NodeId self) {
    Optional<MemberState> me = s.member(self);
    if (me.isEmpty() || me.get().status() != MemberStatus.JOINING || s.committed().isEmpty()) {
      return Optional.empty();
    }
    int q = s.committed().get().partitionCount();
    int members = s.ringMembers().size();
    if (members <= q || s.pending().or(s::committed).orElseThrow().nodes().contains(self)) {
      return Optional.empty();
    }
    return Optional.of("node " + self + " cannot join: the cluster's ring has " + q + " partitions and " + members
        + " members would own them (expected: at most one member per partition). Q is fixed when a cluster is "
        + "created: a cluster this large needs one created with more partitions (about 64 per node; see "
        + "docs/scale.md). The node stays JOINING and owns nothing; stop it, or remove it (removenode)");
  }

  /** Applies rules to {@code s} until none applies, telling {@code onStep} of each; returns the result. */
  static ClusterState settle(ClusterState s, NodeId self, RingPlanner planner, Consumer<Step> onStep) {
    ClusterState state = s;
    for (int i = 0; i < MAX_STEPS; i++) {
      Optional<Step> step = next(state, self, planner);
      if (step.isEmpty()) {
        break;
      }
      onStep.accept(step.get());
      state = step.get().state();
    }
    return state;
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
   * Returns the state a node starts from: {@code saved} if an earlier run saved one (its own
   * entry renewed with {@code self}'s generation, endpoint and weight); else, with
   * {@code founders}, the founding cluster's first ring with every founder UP; else itself
   * alone, JOINING, to learn the cluster from its seeds.
   */
  static ClusterState initial(Optional<ClusterState> saved, Map<NodeId, Endpoint> founders, int partitions,
      RingPlanner planner, MemberState self) {
    if (saved.isPresent()) {
      return restarted(saved.get(), self);
    }
    return founders.isEmpty() ? joining(self) : founded(founders, partitions, planner, self);
  }

  /**
   * Returns {@code merged}, the merge of {@code before} and what a peer sent, with this node's
   * own entry kept in force: if the peer held an entry of this node newer than its own (from
   * before a restart), this node outbids it with its current status and rings. An operator's
   * removal (LEFT) stands.
   */
  static ClusterState ownEntryAfterMerge(ClusterState before, ClusterState merged, NodeId self) {
    MemberState mine = before.member(self).orElseThrow();
    MemberState theirs = merged.member(self).orElseThrow();
    if (theirs == mine || (theirs.status() == MemberStatus.LEFT && mine.status() != MemberStatus.LEFT)) {
      return merged;
    }
    return merged.withOwnEntry(new MemberState(mine.id(), mine.endpoint(), theirs.generation(), theirs.version() + 1,
        mine.weight(), mine.status(), mine.seen(), mine.ready()));
  }

  /** Returns the state of a founding cluster: its first ring, with every founder UP. */
  private static ClusterState founded(Map<NodeId, Endpoint> founders, int partitions, RingPlanner planner, MemberState self) {
    Ring first = planner.initial(partitions, founders.keySet().stream().map(Member::of).toList());
    List<MemberState> entries = new ArrayList<>();
    founders.forEach((id, endpoint) -> entries.add(
        new MemberState(id, endpoint, Long.MIN_VALUE, 0, 1, MemberStatus.UP, first.id(), first.id())));
    return ClusterState.empty().merge(entries, Optional.of(first), Optional.empty())
        .withOwnEntry(new MemberState(self.id(), self.endpoint(), self.generation(), 0, self.weight(),
            MemberStatus.UP, first.id(), first.id()));
  }

  /**
   * Returns the state a node restarts from on {@code saved}: its own entry renewed with this run's
   * generation, endpoint and weight; a node that had left joins anew.
   */
  private static ClusterState restarted(ClusterState saved, MemberState self) {
    Optional<MemberState> before = saved.member(self.id());
    MemberStatus was = before.map(MemberState::status).orElse(MemberStatus.JOINING);
    MemberStatus status = was == MemberStatus.LEFT ? MemberStatus.JOINING : was;
    return saved.withOwnEntry(new MemberState(self.id(), self.endpoint(), self.generation(), 0, self.weight(),
        status, saved.latestId(), before.map(MemberState::ready).orElse(RingId.NONE)));
  }

  /** Returns the state of a node that starts alone, JOINING, to learn the cluster from its seeds. */
  private static ClusterState joining(MemberState self) {
    return ClusterState.empty().withOwnEntry(new MemberState(self.id(), self.endpoint(), self.generation(), 0,
        self.weight(), MemberStatus.JOINING, RingId.NONE, RingId.NONE));
  }

  /** Returns {@code s} with this node LEAVING, if it is UP or JOINING; else {@code s}. */
  static ClusterState leave(ClusterState s, NodeId self) {
    MemberState me = s.member(self).orElseThrow();
    return me.status() == MemberStatus.UP || me.status() == MemberStatus.JOINING
        ? s.withOwnEntry(me.withStatus(MemberStatus.LEAVING)) : s;
  }

  /** Returns {@code s} with this node ready for the ring {@code ready} (it has received the partitions it gains). */
  static ClusterState markReady(ClusterState s, NodeId self, RingId ready) {
    MemberState me = s.member(self).orElseThrow();
    return me.ready().equals(ready) ? s : s.withOwnEntry(me.withRings(me.seen(), ready));
  }

  /**
   * Returns {@code s} with {@code node} LEFT (an operator's removal of a node that cannot leave
   * by itself); {@code s} itself if it is LEFT already. The LEFT entry takes the generation of a
   * run beginning {@code nowMillis}, so that it also beats every run of the node that began
   * before the removal, including one this node has not heard of yet; a run begun after it (the
   * node started again) still wins, and joins anew.
   *
   * @throws IllegalArgumentException if {@code node} is {@code self} or not a member
   */
  static ClusterState remove(ClusterState s, NodeId self, NodeId node, long nowMillis) {
    if (node.equals(self)) {
      throw new IllegalArgumentException("node : " + node + " (expected: another node; to remove this one, leave())");
    }
    MemberState entry = s.member(node).orElseThrow(() -> new IllegalArgumentException(
        "node : " + node + " (expected: a member; known: " + s.members().keySet() + ")"));
    if (entry.status() == MemberStatus.LEFT) {
      return s;
    }
    MemberState removed = nowMillis > entry.generation()
        ? new MemberState(entry.id(), entry.endpoint(), nowMillis, 0, entry.weight(), MemberStatus.LEFT, entry.seen(),
            entry.ready())
        : entry.withStatus(MemberStatus.LEFT);
    return s.merge(List.of(removed), Optional.empty(), Optional.empty());
  }
}
