package io.dynamokv.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.RingId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LeaveAnnouncementTest {

  private static final NodeId SELF = NodeId.of("self");

  private static MemberState entry(String id, MemberStatus status) {
    return new MemberState(NodeId.of(id), Endpoint.of(id, 7000), 1, 0, 1, status, RingId.NONE, RingId.NONE);
  }

  private static final ClusterState STATE = ClusterState.empty().merge(List.of(entry("self", MemberStatus.LEFT),
      entry("a", MemberStatus.UP), entry("b", MemberStatus.UP), entry("gone", MemberStatus.LEFT)),
      Optional.empty(), Optional.empty());

  @Test
  void notDoneBeforeTheNodeHasLeft() {
    LeaveAnnouncement leaving = new LeaveAnnouncement();
    leaving.knownBy(NodeId.of("a"));
    leaving.knownBy(NodeId.of("b"));
    assertThat(leaving.done(STATE, SELF, id -> true)).isFalse();
  }

  @Test
  void doneOnceEveryPeerBelievedUpKnows() {
    LeaveAnnouncement leaving = new LeaveAnnouncement();
    leaving.started();
    leaving.knownBy(NodeId.of("a"));
    assertThat(leaving.done(STATE, SELF, id -> true)).isFalse();
    assertThat(leaving.done(STATE, SELF, id -> !id.value().equals("b"))).isTrue();
    leaving.knownBy(NodeId.of("b"));
    assertThat(leaving.done(STATE, SELF, id -> true)).isTrue();
  }

  @Test
  void doneAfterTheCapWhenNobodyAnswers() {
    LeaveAnnouncement leaving = new LeaveAnnouncement();
    leaving.started();
    for (int round = 1; round <= LeaveAnnouncement.MAX_ROUNDS; round++) {
      assertThat(leaving.done(STATE, SELF, id -> true)).as("round %d", round).isFalse();
    }
    assertThat(leaving.done(STATE, SELF, id -> true)).isTrue();
  }
}
