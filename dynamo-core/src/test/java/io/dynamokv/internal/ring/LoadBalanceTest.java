package io.dynamokv.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The paper's load-balance comparison (section 6.2), in spirit: equal partitions with Q/S per
 * node (strategy 3) against T random tokens per node (strategy 1). Load is the share of the hash
 * space a node owns; the figure is max / mean over nodes (1.00 is perfect). Prints the table
 * that {@code docs/architecture.md} shows and writes it to {@code target/load-balance.md}.
 */
class LoadBalanceTest {

  private static final int Q = 1024;

  @Test
  void equalPartitionsBalanceAsWellAsWholePartitionsCanAndRandomTokensDoWorse() throws IOException {
    StringBuilder table = new StringBuilder();
    table.append("| S | Q/S | strategy 3: max/mean owned | best possible (ceil(Q/S)/(Q/S)) "
        + "| strategy 3: max/mean replicas held (N=3) | strategy 1, T=8 | strategy 1, T=64 |\n");
    table.append("|---|---|---|---|---|---|---|\n");
    for (int s = 10; s <= 100; s += 10) {
      List<Member> members = RingTest.members(s);
      Ring ring = RingPlanner.withSpacing(3).initial(Q, members);
      double owned = maxOverMean(ring.ownershipCounts().values().stream().mapToDouble(i -> i).toArray());
      double best = Math.ceil((double) Q / s) / ((double) Q / s);
      double replicas = maxOverMean(replicaLoad(ring, 3));
      double tokens8 = maxOverMean(randomTokenLoad(s, 8, 42 + s));
      double tokens64 = maxOverMean(randomTokenLoad(s, 64, 42 + s));
      table.append(String.format("| %d | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
          s, (double) Q / s, owned, best, replicas, tokens8, tokens64));

      // No assignment of whole partitions beats ceil(Q/S) for the busiest node; we reach it.
      assertThat(owned).as("S=%d", s).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-9));
      if ((double) Q / s >= 20) {
        assertThat(owned).as("S=%d", s).isLessThanOrEqualTo(1.05);
      }
      assertThat(tokens8).as("random tokens, S=%d", s).isGreaterThan(owned + 0.2);
      assertThat(replicas).as("replica load, S=%d", s).isLessThanOrEqualTo(best + 0.1);
    }
    // With four times the partitions, every cluster size in the range is within 5%.
    for (int s = 10; s <= 100; s += 10) {
      Ring ring = RingPlanner.withSpacing(3).initial(4 * Q, RingTest.members(s));
      assertThat(maxOverMean(ring.ownershipCounts().values().stream().mapToDouble(i -> i).toArray()))
          .as("Q=4096, S=%d", s).isLessThanOrEqualTo(1.05);
    }
    System.out.println("Load balance, Q=" + Q + ":\n" + table);
    Path out = Path.of("target", "load-balance.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  /** How many partitions each node holds a replica of, when N = {@code n}. */
  private static double[] replicaLoad(Ring ring, int n) {
    Map<NodeId, Integer> held = new HashMap<>();
    for (int p = 0; p < ring.partitionCount(); p++) {
      for (NodeId node : ring.preferenceList(p, n).primaries()) {
        held.merge(node, 1, Integer::sum);
      }
    }
    return held.values().stream().mapToDouble(i -> i).toArray();
  }

  /** Strategy 1: each node places T tokens at random; it owns the arcs that end at its tokens. */
  private static double[] randomTokenLoad(int nodes, int tokensPerNode, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int count = nodes * tokensPerNode;
    long[] tokens = new long[count];
    Map<Long, Integer> ownerOf = new HashMap<>();
    for (int i = 0; i < count; i++) {
      long t = random.nextLong() >>> 1; // a ring of 2^63 positions keeps the arithmetic unsigned
      tokens[i] = t;
      ownerOf.put(t, i / tokensPerNode);
    }
    Arrays.sort(tokens);
    double[] load = new double[nodes];
    for (int i = 0; i < count; i++) {
      long previous = i == 0 ? tokens[count - 1] - Long.MAX_VALUE : tokens[i - 1];
      load[ownerOf.get(tokens[i])] += (double) (tokens[i] - previous);
    }
    return load;
  }

  private static double maxOverMean(double[] loads) {
    double max = Arrays.stream(loads).max().orElseThrow();
    double mean = Arrays.stream(loads).average().orElseThrow();
    return max / mean;
  }
}
