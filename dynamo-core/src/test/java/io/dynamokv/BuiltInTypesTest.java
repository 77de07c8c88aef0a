package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The built-in types on a simulated cluster, through random nodes and a client: counters, sets
 * and flags under a partition, a crash and a join. After the heal every node reads the same value, which
 * is what the acknowledged operations say (failed ones may or may not count).
 */
class BuiltInTypesTest {

  private static final Endpoint CLIENT = Endpoint.of("client", 7000);

  private static DynamoClient client(MembershipCluster c) {
    DynamoClient client = DynamoClient.newBuilder().transport(c.sim.network().transport(CLIENT))
        .requestTimeout(Duration.ofSeconds(2)).clock(c.sim.clock()).scheduler(c.sim.scheduler())
        .random(c.sim.newRandom()).seed(c.endpoints.get(NodeId.of("n0"))).build();
    c.await(client.startAsync());
    return client;
  }

  @Test
  void eachTypeMeansWhatItSaysThroughNodesAndAClient() {
    try (MembershipCluster c = new MembershipCluster(81, 3); DynamoClient client = client(c)) {
      CounterStore viaNode = c.node("n1").counters("likes");
      CounterStore viaClient = client.counters("likes");
      assertThat(c.await(viaNode.incrementAsync("post", 5))).isEqualTo(5);
      assertThat(c.await(viaClient.incrementAsync("post", -2))).isEqualTo(3);
      assertThat(c.await(c.node("n2").counters("likes").getAsync("post"))).isEqualTo(3);

      SetStore<String> carts = client.sets("carts", Codec.utf8());
      c.await(carts.addAsync("alice", "milk"));
      c.await(c.node("n0").sets("carts", Codec.utf8()).addAsync("alice", "eggs"));
      SetRead<String> read = c.await(carts.getAsync("alice"));
      assertThat(read.elements()).containsExactlyInAnyOrder("milk", "eggs");
      // A concurrent add of milk the remove did not see survives it.
      c.await(c.node("n2").sets("carts", Codec.utf8()).addAsync("alice", "milk"));
      c.await(carts.removeAsync("alice", read, "milk"));
      c.await(carts.removeAsync("alice", read, "eggs"));
      assertThat(c.await(carts.getAsync("alice")).elements()).containsExactly("milk");

      FlagStore flags = c.node("n0").flags("features");
      assertThat(c.await(flags.getAsync("dark-mode"))).isFalse();
      c.await(client.flags("features").enableAsync("dark-mode"));
      assertThat(c.await(flags.getAsync("dark-mode"))).isTrue();
      c.await(flags.disableAsync("dark-mode"));
      assertThat(c.await(client.flags("features").getAsync("dark-mode"))).isFalse();

      MapStore sessions = client.maps("sessions");
      c.await(sessions.updateAsync("s1", new MapUpdate().register("user", Codec.utf8(), "alice").increment("pages", 1)
          .add("tabs", Codec.utf8(), "/cart").map("prefs", p -> p.enable("dark-mode"))));
      // Two coordinators change two fields at once: both changes stay.
      var byNode = c.node("n1").maps("sessions").updateAsync("s1", new MapUpdate().increment("pages", 2));
      var byClient = sessions.updateAsync("s1", new MapUpdate().register("lang", Codec.utf8(), "pt"));
      c.await(byNode);
      c.await(byClient);
      MapRead session = c.await(c.node("n2").maps("sessions").getAsync("s1"));
      assertThat(session.register("user", Codec.utf8())).contains("alice");
      assertThat(session.register("lang", Codec.utf8())).contains("pt");
      assertThat(session.counter("pages")).isEqualTo(3);
      assertThat(session.set("tabs", Codec.utf8()).elements()).containsExactly("/cart");
      assertThat(session.map("prefs").orElseThrow().flag("dark-mode")).isTrue();
      assertThat(session.fieldNames()).containsExactly("lang", "pages", "prefs", "tabs", "user");
      c.await(sessions.updateAsync("s1", new MapUpdate().remove("tabs", Codec.utf8(), "/cart",
          session.set("tabs", Codec.utf8()))));
      assertThat(c.await(sessions.getAsync("s1")).set("tabs", Codec.utf8()).elements()).isEmpty();
      c.await(sessions.updateAsync("s1", new MapUpdate().removeField("tabs", c.await(sessions.getAsync("s1")))));
      assertThat(c.await(sessions.getAsync("s1")).fieldNames()).doesNotContain("tabs");

      // A key holds one type: read as another, it says so.
      assertThatThrownBy(() -> c.await(client.flags("likes").getAsync("post")))
          .hasCauseInstanceOf(CodecException.class).hasMessageContaining("not a flag");
      assertThat(client.metrics().get("requests.failed")).isZero();
    }
  }

  @Test
  void acknowledgedOperationsHoldThroughAPartitionAndACrash() {
    try (MembershipCluster c = new MembershipCluster(91, 4); DynamoClient client = client(c)) {
      RandomGenerator random = c.sim.newRandom();
      long acked = 0;
      long unacked = 0;
      Map<String, Boolean> elements = new TreeMap<>(); // element -> whether it must be present (null: may be)
      Set<String> uncertain = new TreeSet<>();
      List<String> attempted = new ArrayList<>();
      NodeId cut = NodeId.of("n2");
      for (int r = 0; r < 300; r++) {
        final int round = r;
        if (round == 80) {
          c.sim.network().isolate(c.endpoints.get(cut));
        } else if (round == 160) {
          c.sim.network().heal();
          c.kill(NodeId.of("n3"));
        } else if (round == 220) {
          c.start(NodeId.of("n3"), true);
        } else if (round == 250) {
          c.join("n4"); // takes partitions, and the counters' and sets' keys in them, while the writes go on
        }
        List<Stores> via = new ArrayList<>(c.running.entrySet().stream()
            .filter(e -> !(round >= 80 && round < 160 && e.getKey().equals(cut))).map(e -> (Stores) e.getValue())
            .toList());
        via.add(client);
        Stores through = via.get(random.nextInt(via.size()));
        // Three increments at once, through different nodes: concurrent coordinators, whose
        // states meet as siblings at the replicas.
        List<java.util.concurrent.CompletableFuture<Long>> increments = new ArrayList<>();
        long[] amounts = new long[3];
        for (int i = 0; i < 3; i++) {
          amounts[i] = 1 + random.nextInt(10);
          increments.add(via.get(random.nextInt(via.size())).counters("hits").incrementAsync("k", amounts[i]));
        }
        SetStore<String> set = through.sets("s", Codec.utf8());
        String element = "e" + round;
        attempted.add(element);
        var added = set.addAsync("k", element);
        for (int i = 0; i < 3; i++) {
          try {
            c.await(increments.get(i));
            acked += amounts[i];
          } catch (RuntimeException e) {
            unacked += amounts[i];
          }
        }
        try {
          c.await(added);
          elements.put(element, true);
        } catch (RuntimeException e) {
          uncertain.add(element);
        }
        if (round % 3 == 0 && round > 0) {
          String victim = "e" + (round - 1 - random.nextInt(Math.min(round, 5)));
          try {
            SetRead<String> read = c.await(set.getAsync("k"));
            if (read.contains(victim)) {
              c.await(set.removeAsync("k", read, victim));
              elements.put(victim, false);
              uncertain.remove(victim);
            }
          } catch (RuntimeException e) {
            uncertain.add(victim); // a remove that failed may have been applied
            elements.remove(victim);
          }
        }
        c.pass(Duration.ofMillis(200));
      }
      c.awaitCondition(c::agree, Duration.ofMinutes(2)); // the join's transfers done
      c.pass(Duration.ofSeconds(20)); // hints delivered
      for (NodeId n : c.running.keySet()) {
        c.await(c.running.get(n).repairAsync());
      }
      long unackedFinal = unacked;
      long ackedFinal = acked;
      System.out.printf("built-in types: counter %d acknowledged, %d not; set: %d elements known, %d uncertain%n",
          acked, unacked, elements.size(), uncertain.size());
      for (Stores reader : List.<Stores>of(c.node("n0"), c.node("n1"), c.node("n2"), c.node("n4"), client)) {
        long value = c.await(reader.counters("hits").getAsync("k"));
        assertThat(value).as("counter: %d acknowledged, %d not", ackedFinal, unackedFinal)
            .isBetween(ackedFinal, ackedFinal + unackedFinal);
        Set<String> present = c.await(reader.sets("s", Codec.utf8()).getAsync("k")).elements();
        elements.forEach((e, mustBe) -> {
          if (!uncertain.contains(e)) {
            assertThat(present.contains(e)).as("%s present", e).isEqualTo(mustBe);
          }
        });
        assertThat(attempted).containsAll(present); // nothing never added
      }
      assertThat(ackedFinal).isPositive();
    }
  }
}
