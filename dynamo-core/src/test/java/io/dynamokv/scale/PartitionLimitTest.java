package io.dynamokv.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.DynamoNode;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Issue #28: each member owns whole partitions, so a cluster holds at most Q of them. Past that,
 * a join used to plan a new ring version at every step for ever (the ring it planned left the
 * joiner out, so it was never the ring wanted); now the joiner is told, and the ring stays.
 */
class PartitionLimitTest {

  @Test
  void aJoinBeyondQIsRefusedWithTheReasonAndTheRingStays() {
    try (ScaleCluster c = new ScaleCluster(2803, 8, 8, Duration.ofHours(1))) {
      c.timeUntil(c::ringSettled, Duration.ofMinutes(1));
      long version = c.ring().version();
      DynamoNode extra = c.start(NodeId.of("extra"), false);
      var joined = extra.joinedAsync();
      c.timeUntil(joined::isDone, Duration.ofMinutes(1));
      assertThatThrownBy(joined::join).isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("8 partitions and 9 members").hasMessageContaining("cannot join");
      c.sim.runFor(Duration.ofSeconds(30));
      assertThat(c.ringSettled()).isTrue();
      assertThat(c.ring().version()).as("no new ring planned").isEqualTo(version);
      assertThat(c.allSee(NodeId.of("extra"), MemberStatus.JOINING)).isTrue();
    }
  }

  @Test
  void moreFoundersThanPartitionsAreRefusedAtBuild() {
    Simulation sim = new Simulation(2804);
    var b = DynamoNode.newBuilder(NodeId.of("a")).storage(StorageEngine.inMemory())
        .transport(sim.network().transport(Endpoint.of("a", 1))).partitions(2)
        .clock(sim.clock()).scheduler(sim.scheduler());
    for (String id : new String[] {"a", "b", "c"}) {
      b.member(NodeId.of(id), Endpoint.of(id, 1));
    }
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 founders for 2 partitions");
  }
}
