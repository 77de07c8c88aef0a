package io.dynamokv.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.ring.RingPlanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The membership rules alone, as pure functions of a cluster state: no gossip, no clock, no network. */
class RingRulesTest {

  private static final NodeId A = NodeId.of("a");
  private static final NodeId B = NodeId.of("b");
  private static final NodeId C = NodeId.of("c");
  private static final NodeId D = NodeId.of("d");
  private static final RingPlanner PLANNER = RingPlanner.withSpacing(3);
  private static final int Q = 64;

  private static MemberState entry(NodeId id, MemberStatus status) {
    return new MemberState(id, Endpoint.of("127.0.0.1", 7400 + id.value().charAt(0)), 1, 0, 1, status,
        RingId.NONE, RingId.NONE);
  }

  /** A founded cluster of a, b and c, all UP on ring 1, as {@code self} holds it. */
  private static ClusterState founded(NodeId self) {
    Map<NodeId, Endpoint> founders = new LinkedHashMap<>();
    for (NodeId n : List.of(A, B, C)) {
      founders.put(n, entry(n, MemberStatus.UP).endpoint());
    }
    return RingRules.initial(Optional.empty(), founders, Q, PLANNER, entry(self, MemberStatus.JOINING));
  }

  private static ClusterState settle(ClusterState s, NodeId self, List<RingRules.Step> steps) {
    return RingRules.settle(s, self, PLANNER, steps::add);
  }

  /**
   * Issue #28: whether a merge changed more than heartbeats, and whether a node must save its
   * state, are decided field by field now; a heartbeat changes neither, a status or ring does.
   */
  @Test
  void heartbeatsAloneAreNoChangeToListenersNorToSave() {
    ClusterState s = founded(A);
    MemberState b = s.member(B).orElseThrow();
    ClusterState beat = s.merge(List.of(b.beat()), Optional.empty(), Optional.empty());
    assertThat(beat).isNotSameAs(s);
    assertThat(GossipMembership.sameStatusesAndRings(s, beat)).isTrue();
    assertThat(GossipMembership.mustSave(s, beat, A)).isFalse();

    RingId next = new RingId(9, 99);
    ClusterState seenByB = s.merge(List.of(b.beat().withRings(next, RingId.NONE)), Optional.empty(), Optional.empty());
    assertThat(GossipMembership.sameStatusesAndRings(s, seenByB)).as("another member's seen ring").isFalse();
    assertThat(GossipMembership.mustSave(s, seenByB, A)).as("left to gossip").isFalse();

    ClusterState seenByA = s.withOwnEntry(s.member(A).orElseThrow().withRings(next, RingId.NONE));
    assertThat(GossipMembership.mustSave(s, seenByA, A)).as("this node's own seen ring").isTrue();

    ClusterState leaving = s.merge(List.of(b.beat().withStatus(MemberStatus.LEAVING)), Optional.empty(),
        Optional.empty());
    assertThat(GossipMembership.sameStatusesAndRings(s, leaving)).isFalse();
    assertThat(GossipMembership.mustSave(s, leaving, A)).isTrue();

    ClusterState joined = s.merge(List.of(entry(D, MemberStatus.JOINING)), Optional.empty(), Optional.empty());
    assertThat(GossipMembership.sameStatusesAndRings(s, joined)).isFalse();
    assertThat(GossipMembership.mustSave(s, joined, A)).isTrue();
  }

  @Test
  void aFoundedClusterIsSettled() {
    ClusterState s = founded(A);
    assertThat(s.committed().orElseThrow().nodes()).containsExactly(A, B, C);
    assertThat(s.member(A).orElseThrow().status()).isEqualTo(MemberStatus.UP);
    assertThat(RingRules.next(s, A, PLANNER)).isEmpty();
  }

  @Test
  void aNodeThatKnowsNoRingTakesNoStep() {
    ClusterState s = RingRules.initial(Optional.empty(), Map.of(), Q, PLANNER, entry(D, MemberStatus.JOINING));
    assertThat(s.member(D).orElseThrow().status()).isEqualTo(MemberStatus.JOINING);
    assertThat(RingRules.next(s, D, PLANNER)).isEmpty();
  }

  @Test
  void aJoinerIsPlannedInCommittedWhenAllAreReadyAndThenUp() {
    ClusterState s = founded(A).merge(List.of(entry(D, MemberStatus.JOINING)), Optional.empty(), Optional.empty());
    List<RingRules.Step> steps = new ArrayList<>();
    s = settle(s, A, steps);
    assertThat(steps.get(0)).isInstanceOf(RingRules.Planned.class);
    Ring planned = s.pending().orElseThrow();
    assertThat(planned.version()).isEqualTo(2);
    assertThat(planned.nodes()).containsExactly(A, B, C, D);
    assertThat(s.member(A).orElseThrow().seen()).isEqualTo(planned.id());
    assertThat(s.committed().orElseThrow().version()).isEqualTo(1);

    // Not committed while any node of the pending ring is not ready for it.
    s = RingRules.markReady(s, A, planned.id());
    for (NodeId n : List.of(B, C)) {
      MemberState e = s.member(n).orElseThrow();
      s = s.merge(List.of(e.withRings(planned.id(), planned.id())), Optional.empty(), Optional.empty());
    }
    assertThat(RingRules.next(s, A, PLANNER)).isEmpty();

    MemberState d = s.member(D).orElseThrow();
    s = s.merge(List.of(d.withRings(planned.id(), planned.id())), Optional.empty(), Optional.empty());
    steps.clear();
    s = settle(s, A, steps);
    assertThat(steps).hasSize(1).first().isInstanceOf(RingRules.Committed.class);
    assertThat(s.committed().orElseThrow().id()).isEqualTo(planned.id());
    assertThat(s.pending()).isEmpty();

    // d itself, holding that state, becomes UP.
    steps.clear();
    ClusterState atD = settle(s, D, steps);
    assertThat(steps.get(0)).isInstanceOf(RingRules.Joined.class);
    assertThat(atD.member(D).orElseThrow().status()).isEqualTo(MemberStatus.UP);
  }

  @Test
  void aLeaverIsPlannedOutAndLeftOnceNoRingHoldsIt() {
    ClusterState s = RingRules.leave(founded(C), C);
    assertThat(s.member(C).orElseThrow().status()).isEqualTo(MemberStatus.LEAVING);
    List<RingRules.Step> steps = new ArrayList<>();
    s = settle(s, C, steps);
    Ring planned = s.pending().orElseThrow();
    assertThat(planned.nodes()).containsExactly(A, B);
    assertThat(s.member(C).orElseThrow().status()).isEqualTo(MemberStatus.LEAVING);

    for (NodeId n : List.of(A, B)) {
      MemberState e = s.member(n).orElseThrow();
      s = s.merge(List.of(e.withRings(planned.id(), planned.id())), Optional.empty(), Optional.empty());
    }
    steps.clear();
    s = settle(s, C, steps);
    assertThat(steps).extracting(Object::getClass).containsSubsequence(RingRules.Committed.class, RingRules.Left.class);
    assertThat(s.member(C).orElseThrow().status()).isEqualTo(MemberStatus.LEFT);
    assertThat(RingRules.leave(s, C)).isSameAs(s);
  }

  @Test
  void removalMakesAnotherNodeLeftAndRefusesItselfAndStrangers() {
    ClusterState s = founded(A);
    ClusterState removed = RingRules.remove(s, A, C, 100);
    assertThat(removed.member(C).orElseThrow().status()).isEqualTo(MemberStatus.LEFT);
    assertThat(RingRules.remove(removed, A, C, 200)).isSameAs(removed);
    assertThatThrownBy(() -> RingRules.remove(s, A, A, 100))
        .hasMessage("node : a (expected: another node; to remove this one, leave())");
    assertThatThrownBy(() -> RingRules.remove(s, A, D, 100))
        .hasMessage("node : d (expected: a member; known: [a, b, c])");
    // A run of c that began before the removal, which a has not heard of yet, does not bring c back.
    MemberState laterRun = new MemberState(C, entry(C, MemberStatus.UP).endpoint(), 50, 7, 1, MemberStatus.UP,
        RingId.NONE, RingId.NONE);
    assertThat(removed.merge(List.of(laterRun), Optional.empty(), Optional.empty()).member(C).orElseThrow().status())
        .isEqualTo(MemberStatus.LEFT);
    // A run begun after it does (the node was started again, and joins anew).
    MemberState restarted = new MemberState(C, entry(C, MemberStatus.UP).endpoint(), 150, 0, 1, MemberStatus.JOINING,
        RingId.NONE, RingId.NONE);
    assertThat(removed.merge(List.of(restarted), Optional.empty(), Optional.empty()).member(C).orElseThrow().status())
        .isEqualTo(MemberStatus.JOINING);
    Ring next = RingRules.settle(removed, A, PLANNER, step -> { }).pending().orElseThrow();
    assertThat(next.nodes()).containsExactly(A, B);
  }

  @Test
  void aRestartedNodeKeepsItsRingsAndANodeThatHadLeftJoinsAnew() {
    ClusterState saved = founded(A);
    MemberState thisRun = new MemberState(A, Endpoint.of("127.0.0.1", 9000), 5, 0, 1, MemberStatus.JOINING,
        RingId.NONE, RingId.NONE);
    ClusterState restarted = RingRules.initial(Optional.of(saved), Map.of(), Q, PLANNER, thisRun);
    MemberState a = restarted.member(A).orElseThrow();
    assertThat(a.status()).isEqualTo(MemberStatus.UP);
    assertThat(a.generation()).isEqualTo(5);
    assertThat(a.endpoint()).isEqualTo(Endpoint.of("127.0.0.1", 9000));
    assertThat(a.seen()).isEqualTo(saved.committedId());

    ClusterState left = saved.withOwnEntry(saved.member(A).orElseThrow().withStatus(MemberStatus.LEFT));
    assertThat(RingRules.initial(Optional.of(left), Map.of(), Q, PLANNER, thisRun).member(A).orElseThrow().status())
        .isEqualTo(MemberStatus.JOINING);
  }

  @Test
  void aNewerEntryOfThisNodeFromElsewhereIsOutbidButAnOperatorsRemovalStands() {
    ClusterState before = founded(A);
    MemberState mine = before.member(A).orElseThrow();
    MemberState stale = new MemberState(A, mine.endpoint(), mine.generation(), mine.version() + 5, 1,
        MemberStatus.LEAVING, RingId.NONE, RingId.NONE);
    ClusterState merged = before.merge(List.of(stale), Optional.empty(), Optional.empty());
    MemberState kept = RingRules.ownEntryAfterMerge(before, merged, A).member(A).orElseThrow();
    assertThat(kept.status()).isEqualTo(MemberStatus.UP);
    assertThat(kept.version()).isEqualTo(stale.version() + 1);
    assertThat(kept.supersedes(stale)).isTrue();

    ClusterState removed = before.merge(List.of(mine.withStatus(MemberStatus.LEFT)), Optional.empty(), Optional.empty());
    assertThat(RingRules.ownEntryAfterMerge(before, removed, A)).isSameAs(removed);
  }
}
