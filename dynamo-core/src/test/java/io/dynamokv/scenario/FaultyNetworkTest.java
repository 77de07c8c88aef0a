package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.ConflictResolver;
import io.dynamokv.NodeId;
import io.dynamokv.Store;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The data path over a network that duplicates, delays and reorders messages: a cart updated
 * by read-modify-write through random nodes loses no item (invariants 1 and 4: duplicated
 * replica writes change nothing), and a run replays exactly from its seed (invariant 9).
 */
class FaultyNetworkTest {

  private static String union(List<String> carts) {
    return carts.stream().flatMap(c -> Arrays.stream(c.split(","))).filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(","));
  }

  /** Runs the workload; returns every replica's final encoded version set of the cart. */
  private static List<String> run(long seed) {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(seed)) {
      cluster.simulation().network().setLatency(Duration.ofMillis(1), Duration.ofMillis(30));
      cluster.simulation().network().setDuplicateRate(0.2);
      RandomGenerator random = cluster.simulation().newRandom();
      ConflictResolver<String> merge = FaultyNetworkTest::union;
      List<NodeId> nodes = cluster.nodes();
      for (int i = 0; i < 40; i++) {
        Store<String> carts = cluster.node(nodes.get(random.nextInt(nodes.size()))).store("carts", Codec.utf8(), merge);
        String item = "item" + i;
        cluster.await(carts.updateAsync("cart", c -> c.map(v -> v + "," + item).orElse(item)));
      }
      Store<String> reader = cluster.node(nodes.get(0)).store("carts", Codec.utf8(), merge);
      String finalCart = cluster.await(reader.getAsync("cart")).value().orElseThrow();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        expected.add("item" + i);
      }
      assertThat(finalCart.split(",")).as("items after 40 read-modify-writes (seed %d)", seed)
          .containsExactlyInAnyOrderElementsOf(expected);
      cluster.pass(Duration.ofSeconds(5));
      List<String> replicas = new ArrayList<>();
      for (NodeId n : nodes) {
        VersionSet held = cluster.storage(n).get(cluster.keySpace().storageKey("carts", "cart".getBytes(StandardCharsets.UTF_8))).orElse(VersionSet.EMPTY);
        replicas.add(n + "=" + java.util.HexFormat.of().formatHex(VersionSetCodec.encode(held)));
      }
      return replicas;
    }
  }

  @Test
  void noUpdateIsLostAndTheRunReplaysFromItsSeed() {
    List<String> first = run(31);
    assertThat(run(31)).isEqualTo(first);
  }
}
