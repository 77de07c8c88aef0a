package io.dynamokv.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue #28: costs of membership that grew faster than the cluster, at a size that shows them.
 */
class MembershipCostTest {

  /**
   * Each member's adoption of a ring changed every node's state, and every node saved its whole
   * state (both rings of Q partitions, every member) each time: about n saves per node per ring
   * change, 1,588 for one join into 60 nodes (280 now). Now a node saves when a ring, a member, a
   * status or its own entry changes.
   */
  @Test
  void aNodeSavesItsMembershipOnlyWhenWhatARestartNeedsChanges() {
    int n = 60;
    try (ScaleCluster c = new ScaleCluster(2801, n, 4096, Duration.ofHours(1))) {
      c.timeUntil(c::ringSettled, Duration.ofMinutes(2));
      c.sim.runFor(Duration.ofSeconds(10));
      long saves = saves(c);
      System.out.printf("membership saves: %d for the founding of %d nodes%n", saves, n);
      assertThat(saves).as("saves of %d founders", n).isLessThanOrEqualTo(2L * n);

      // A join: a pending ring, its adoption by everyone, the transfer, the commit.
      DynamoNode joiner = c.start(NodeId.of("j"), false);
      c.timeUntil(() -> c.ringSettled() && c.allSee(NodeId.of("j"), io.dynamokv.internal.membership.MemberStatus.UP),
          Duration.ofMinutes(2));
      assertThat(joiner).isNotNull();
      System.out.printf("membership saves: %d for one join%n", saves(c) - saves);
      assertThat(saves(c) - saves).as("saves for one join").isLessThanOrEqualTo(6L * (n + 1));
    }
  }

  private static long saves(ScaleCluster c) {
    return c.running.values().stream().mapToLong(node -> node.metrics().get("membership.saves")).sum();
  }
}
