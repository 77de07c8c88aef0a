package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.internal.membership.ClusterState;
import io.dynamokv.internal.membership.MemberState;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue #24 (check what a peer says): gossip sent by anyone who reaches a node's port, as the
 * issue's attacker did. A ring naming a non-member was committed by every node and failed every
 * request from then on; an entry with a version at the limit stopped its node's own changes; one
 * from a run dated years ahead outranked every real run of its node. Each is now refused.
 */
class ForgedGossipTest {

  private static final NodeId N0 = NodeId.of("n0");
  private static final NodeId N1 = NodeId.of("n1");

  private static void send(MembershipCluster c, Gossip forged) {
    Transport mallory = c.sim.network().transport(Endpoint.of("mallory", 1));
    c.await(mallory.request(c.endpoints.get(N0), forged, Duration.ofSeconds(1)));
    c.pass(Duration.ofSeconds(10)); // rounds spread whatever n0 believed
  }

  private static MemberState entryOf(MembershipCluster c, NodeId viewer, NodeId member) {
    return NodeAccess.runtime(c.running.get(viewer)).membership().state().member(member).orElseThrow();
  }

  @Test
  void aRingNamingANonMemberIsRefusedAndRequestsGoOn() {
    try (MembershipCluster c = new MembershipCluster(31, 3)) {
      c.awaitCondition(c::agree, Duration.ofMinutes(1));
      Ring real = c.ring();
      List<NodeId> owners = new ArrayList<>();
      for (int p = 0; p < MembershipCluster.Q; p++) {
        owners.add(NodeId.of("ghost"));
      }
      Ring forged = Ring.of(real.version() + 1, owners);
      send(c, new Gossip(NodeId.of("mallory"), List.of(), Optional.of(ClusterState.toWire(forged)), Optional.empty()));
      for (NodeId n : c.running.keySet()) {
        assertThat(NodeAccess.runtime(c.running.get(n)).ring().id()).as("%s's ring", n).isEqualTo(real.id());
      }
      Store<String> store = c.node("n1").store(MembershipCluster.STORE, Codec.utf8());
      c.await(store.putAsync("k", Context.EMPTY, "v"));
      assertThat(c.await(store.getAsync("k")).values()).containsExactly("v");
    }
  }

  @Test
  void entriesWithAVersionNearOverflowOrARunFromTheFarFutureAreRefused() {
    try (MembershipCluster c = new MembershipCluster(32, 3)) {
      c.awaitCondition(c::agree, Duration.ofMinutes(1));
      MemberState real = entryOf(c, N0, N1);
      MemberState maxVersion = new MemberState(N1, real.endpoint(), real.generation(), Long.MAX_VALUE, real.weight(),
          real.status(), real.seen(), real.ready());
      long tenYears = Duration.ofDays(3650).toMillis();
      MemberState future = new MemberState(N1, real.endpoint(), c.sim.clock().currentTimeMillis() + tenYears, 0,
          real.weight(), MemberStatus.LEFT, real.seen(), real.ready());
      send(c, new Gossip(NodeId.of("mallory"), List.of(maxVersion), Optional.empty(), Optional.empty()));
      send(c, new Gossip(NodeId.of("mallory"), List.of(future), Optional.empty(), Optional.empty()));
      for (NodeId n : c.running.keySet()) {
        MemberState seen = entryOf(c, n, N1);
        assertThat(seen.version()).as("%s's entry of n1", n).isLessThan(Long.MAX_VALUE);
        assertThat(seen.generation()).isLessThanOrEqualTo(c.sim.clock().currentTimeMillis());
        assertThat(seen.status()).isEqualTo(MemberStatus.UP);
      }
    }
  }
}
