package io.dynamokv.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.ring.Member;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.ring.RingPlanner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue #28: how membership, failure detection and the ring behave as the cluster grows, measured
 * on simulated clusters of full nodes. Prints one table row per size and checks the targets the
 * scale report (docs/scale.md) sets. The default suite runs small sizes; the soak profile runs
 * 10, 100, 300 and 1,000 nodes ({@code -Dscale.sizes=...} picks others).
 */
class ScaleReportTest {

  private static final int N = 3;

  @Test
  void membershipAndTheRingScale() {
    List<Integer> sizes = new ArrayList<>();
    for (String s : System.getProperty("scale.sizes", "10,50").split(",")) {
      sizes.add(Integer.parseInt(s.trim()));
    }
    List<Row> rows = new ArrayList<>();
    for (int n : sizes) {
      Row row = measure(n, 28_000 + n);
      rows.add(row);
      System.out.println(Row.HEADER);
      rows.forEach(r -> System.out.println(r.markdown()));
      checkTargets(row);
    }
  }

  /** Q as docs/scale.md recommends: a power of two of at least 64 partitions per node. */
  static int recommendedPartitions(int nodes) {
    return Math.min(65_536, Integer.highestOneBit(Math.max(1, nodes * 64 - 1)) << 1);
  }

  private static void checkTargets(Row r) {
    double log2n = Math.log(r.n) / Math.log(2);
    assertThat(r.joinKnownRounds).as("rounds for a join to reach every node (log2 n = %.1f)", log2n)
        .isLessThanOrEqualTo(3 * log2n + 6);
    assertThat(r.leaveKnownRounds).as("rounds for a leave to reach every node").isLessThanOrEqualTo(3 * log2n + 6);
    assertThat(r.detectSeconds).as("seconds until every node suspects a dead one").isLessThanOrEqualTo(90);
    assertThat(r.joinMovedRatio).as("replicas a join moves, against the minimum").isLessThanOrEqualTo(1.5);
    assertThat(r.leaveMovedRatio).as("replicas a leave moves, against the minimum").isLessThanOrEqualTo(1.5);
    assertThat(r.falseSuspicionsPerNodeMinute).as("false suspicions under 5% loss").isLessThan(1.0);
  }

  static Row measure(int n, long seed) {
    Row r = new Row();
    r.n = n;
    r.q = recommendedPartitions(n);
    long realStart = System.nanoTime();
    try (ScaleCluster c = new ScaleCluster(seed, n, r.q, Duration.ofHours(1))) {
      c.timeUntil(c::ringSettled, Duration.ofMinutes(5));
      c.sim.runFor(Duration.ofSeconds(5));

      // Steady gossip: what the sampled nodes' rounds carry.
      c.meter.reset();
      long steadyReal = System.nanoTime();
      c.sim.runFor(Duration.ofSeconds(10));
      r.realPerVirtualSecond = (System.nanoTime() - steadyReal) / 1e9 / 10;
      long roundBytes = 0;
      long rounds = 0;
      for (Map.Entry<String, long[]> e : c.meter.byType().entrySet()) {
        if (e.getKey().startsWith("GOSSIP") || e.getKey().equals("ACK (reply)")) {
          roundBytes += e.getValue()[1];
        }
        if (e.getKey().equals("GOSSIP_DIGEST")) {
          rounds += e.getValue()[0];
          r.digestBytes = e.getValue()[1] / Math.max(1, e.getValue()[0]);
        }
      }
      r.roundBytes = roundBytes / Math.max(1, rounds);
      // A node starts about one round a second and answers about one: twice what its own carry.
      r.gossipBytesPerNodeSecond = 2.0 * roundBytes / ScaleCluster.SAMPLED_NODES / 10;
      Map<NodeId, Integer> owned = c.ring().ownershipCounts();
      r.maxOverMeanOwned = owned.values().stream().mapToInt(Integer::intValue).max().orElse(0)
          / ((double) r.q / owned.size());
      System.gc();
      Runtime rt = Runtime.getRuntime();
      r.heapPerNodeKb = (rt.totalMemory() - rt.freeMemory()) / 1024 / n;

      // Ring planning for one more node, in real time.
      List<Member> members = new ArrayList<>(owned.keySet().stream().map(Member::of).toList());
      members.add(Member.of(NodeId.of("planned")));
      Ring current = c.ring();
      long planStart = System.nanoTime();
      RingPlanner.withSpacing(N).rebalance(current, members);
      r.planMillis = (System.nanoTime() - planStart) / 1e6;

      // A join: until every node knows it, then until the ring that includes it is committed.
      Ring before = c.ring();
      NodeId joiner = NodeId.of("j0");
      c.start(joiner, false);
      r.joinKnownRounds = rounds(c.timeUntil(() -> c.allKnow(joiner), Duration.ofMinutes(10)));
      r.joinSettledSeconds = c.timeUntil(() -> c.ringSettled() && c.allSee(joiner, MemberStatus.UP),
          Duration.ofMinutes(10)).toMillis() / 1000.0 + r.joinKnownRounds;
      Ring afterJoin = c.ring();
      r.joinMovedRatio = replicasMoved(before, afterJoin) / minimumMoved(r.q, n + 1);

      // A leave of the node that joined.
      DynamoNode leaving = c.running.get(joiner);
      leaving.leaveAsync();
      r.leaveKnownRounds = rounds(c.timeUntil(() -> c.allSeeAtLeast(joiner, MemberStatus.LEAVING),
          Duration.ofMinutes(10)));
      c.timeUntil(() -> c.ringSettled() && c.allSee(joiner, MemberStatus.LEFT), Duration.ofMinutes(10));
      r.leaveMovedRatio = replicasMoved(afterJoin, c.ring()) / minimumMoved(r.q, n + 1);
      c.kill(joiner);

      // A failure: until every other node's detector suspects it.
      NodeId dead = NodeId.of("n" + (n - 1));
      c.kill(dead);
      r.detectSeconds = c.timeUntil(() -> c.allSuspect(dead), Duration.ofMinutes(5)).toMillis() / 1000.0;
      c.start(dead, true);
      c.timeUntil(() -> c.noneSuspect(dead), Duration.ofMinutes(5));

      // False suspicions: 5% of messages lost, 1-50 ms latency, nobody down.
      c.sim.network().setDropRate(0.05);
      c.sim.network().setLatency(Duration.ofMillis(1), Duration.ofMillis(50));
      c.sim.runFor(Duration.ofSeconds(10));
      long suspicions = 0;
      List<NodeId> observers = new ArrayList<>(c.running.keySet()).subList(0, Math.min(8, n));
      Set<String> suspected = new HashSet<>();
      for (int second = 0; second < 60; second++) {
        c.sim.runFor(Duration.ofSeconds(1));
        for (NodeId o : observers) {
          for (NodeId peer : c.running.keySet()) {
            String pair = o + ">" + peer;
            boolean now = !peer.equals(o) && c.membershipOf(o).isConvicted(peer);
            if (now && suspected.add(pair)) {
              suspicions++;
            } else if (!now) {
              suspected.remove(pair);
            }
          }
        }
      }
      r.falseSuspicionsPerNodeMinute = suspicions / (double) observers.size();
      c.sim.network().setDropRate(0);
      c.sim.network().setLatency(Duration.ofMillis(1), Duration.ofMillis(5));

      // Peers each node exchanged messages with since the steady window began (about 2 minutes).
      r.peersPerNode = c.meter.peersPerNode().values().stream().mapToInt(Integer::intValue).average().orElse(0);
    }
    r.realSeconds = (System.nanoTime() - realStart) / 1e9;
    return r;
  }

  private static double rounds(Duration d) {
    return d.toMillis() / (double) ScaleCluster.GOSSIP_INTERVAL.toMillis();
  }

  /** Replicas (partition, node) in {@code after}'s preference lists that {@code before}'s lack. */
  static double replicasMoved(Ring before, Ring after) {
    long moved = 0;
    for (int p = 0; p < before.partitionCount(); p++) {
      Set<NodeId> old = new HashSet<>(before.preferenceList(p, N).primaries());
      for (NodeId id : after.preferenceList(p, N).primaries()) {
        if (!old.contains(id)) {
          moved++;
        }
      }
    }
    return moved;
  }

  /** The fewest replicas a change to or from a cluster of {@code nodes} must move: the node's share. */
  static double minimumMoved(int q, int nodes) {
    return Math.ceil((double) q * N / nodes);
  }

  /** One size's figures. */
  static final class Row {
    static final String HEADER = "| nodes | Q | max/mean owned | gossip B/round | digest B | gossip B/node/s "
        + "| join known (rounds) | join settled (s) | join moved/min | leave known (rounds) | leave moved/min "
        + "| detect dead (s) | false suspicions /node/min | ring plan (ms) | heap/node (KB) | peers/node "
        + "| real s per virtual s | real s |\n|" + "---|".repeat(18);
    int n;
    int q;
    double maxOverMeanOwned;
    long roundBytes;
    long digestBytes;
    double gossipBytesPerNodeSecond;
    double joinKnownRounds;
    double joinSettledSeconds;
    double joinMovedRatio;
    double leaveKnownRounds;
    double leaveMovedRatio;
    double detectSeconds;
    double falseSuspicionsPerNodeMinute;
    double planMillis;
    long heapPerNodeKb;
    double peersPerNode;
    double realPerVirtualSecond;
    double realSeconds;

    String markdown() {
      return String.format(Locale.ROOT, "| %d | %d | %.3f | %d | %d | %.0f | %.1f | %.1f | %.2f | %.1f | %.2f | %.1f "
              + "| %.2f | %.1f | %d | %.0f | %.2f | %.0f |", n, q, maxOverMeanOwned, roundBytes, digestBytes,
          gossipBytesPerNodeSecond, joinKnownRounds, joinSettledSeconds, joinMovedRatio, leaveKnownRounds,
          leaveMovedRatio, detectSeconds, falseSuspicionsPerNodeMinute, planMillis, heapPerNodeKb, peersPerNode,
          realPerVirtualSecond, realSeconds);
    }
  }
}
