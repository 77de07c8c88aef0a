package io.dynamokv.internal.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.RingId;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GossipTargetsTest {

  private static final Endpoint SEED = Endpoint.of("127.0.0.1", 7000);

  private static MemberState entry(String id, int port, MemberStatus status) {
    return new MemberState(NodeId.of(id), Endpoint.of("127.0.0.1", port), 1, 0, 1, status, RingId.NONE, RingId.NONE);
  }

  private static final ClusterState STATE = ClusterState.empty().merge(List.of(entry("self", 7001, MemberStatus.UP),
      entry("up1", 7002, MemberStatus.UP), entry("up2", 7003, MemberStatus.UP),
      entry("down", 7004, MemberStatus.UP), entry("gone", 7005, MemberStatus.LEFT)), Optional.empty(), Optional.empty());

  @Test
  void neverChoosesThisNodeOrALeftOneAndAlwaysOneLivePeer() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      List<Endpoint> targets = GossipTargets.choose(STATE, NodeId.of("self"), Endpoint.of("127.0.0.1", 7001),
          List.of(SEED), id -> !id.value().equals("down"), random);
      assertThat(targets).doesNotContain(Endpoint.of("127.0.0.1", 7001), Endpoint.of("127.0.0.1", 7005));
      assertThat(targets.get(0)).isIn(Endpoint.of("127.0.0.1", 7002), Endpoint.of("127.0.0.1", 7003));
    }
  }

  @Test
  void downPeersAndSeedsAreVisitedNowAndThen() {
    SplittableRandom random = new SplittableRandom(7);
    int down = 0;
    int seed = 0;
    for (int i = 0; i < 1000; i++) {
      List<Endpoint> targets = GossipTargets.choose(STATE, NodeId.of("self"), Endpoint.of("127.0.0.1", 7001),
          List.of(SEED), id -> !id.value().equals("down"), random);
      down += targets.contains(Endpoint.of("127.0.0.1", 7004)) ? 1 : 0;
      seed += targets.contains(SEED) ? 1 : 0;
    }
    // One down of two live: a third of the rounds; one seed of four members (+1): a quarter.
    assertThat(down).isBetween(250, 420);
    assertThat(seed).isBetween(170, 330);
  }

  @Test
  void aNodeThatBelievesEveryoneDownAlwaysTriesASeedButNotItself() {
    SplittableRandom random = new SplittableRandom(7);
    List<Endpoint> targets = GossipTargets.choose(STATE, NodeId.of("self"), Endpoint.of("127.0.0.1", 7001),
        List.of(SEED, Endpoint.of("127.0.0.1", 7001)), id -> false, random);
    assertThat(targets).contains(SEED).doesNotContain(Endpoint.of("127.0.0.1", 7001));
    assertThat(Set.copyOf(targets)).hasSameSizeAs(targets);
  }
}
