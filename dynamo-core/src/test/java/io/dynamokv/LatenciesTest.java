package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Each latency moves when its operation happens: at the node the application asked, at the node
 * a client sent the request to coordinate, at the replicas; and a failure is counted by its
 * cause.
 */
class LatenciesTest {

  @Test
  void eachOperationIsRecordedWhereItHappens() {
    try (MembershipCluster c = new MembershipCluster(101, 3)) {
      DynamoClient client = DynamoClient.newBuilder().transport(c.sim.network().transport(Endpoint.of("client", 7000)))
          .clock(c.sim.clock()).scheduler(c.sim.scheduler()).random(c.sim.newRandom())
          .seed(c.endpoints.get(NodeId.of("n0"))).build();
      c.await(client.startAsync());
      DynamoNode n0 = c.node("n0");
      Store<String> store = n0.store("carts", Codec.utf8());
      assertThat(n0.latencies()).isEmpty();
      Context written = c.await(store.putAsync("alice", Context.EMPTY, "milk"));
      c.await(store.getAsync("alice"));
      c.await(store.deleteAsync("alice", written));
      c.await(n0.counters("likes").incrementAsync("post", 1));
      c.await(n0.sets("tags", Codec.utf8()).getAsync("t"));
      assertThat(n0.latencies()).containsKeys("put/carts", "get/carts", "delete/carts", "update/likes", "scan/tags");
      LatencySummary put = n0.latencies().get("put/carts");
      assertThat(put.total()).isEqualTo(1);
      assertThat(put.recent()).isEqualTo(1);
      assertThat(put.max()).isPositive().isGreaterThanOrEqualTo(put.p50());

      // Replicas record what coordinators asked of them.
      long replicaPuts = c.running.values().stream()
          .mapToLong(n -> n.latencies().getOrDefault("replica.put/carts", new LatencySummary(0, null, 0, null, null,
              null, null)).total()).sum();
      assertThat(replicaPuts).as("replica writes of the put and the delete").isGreaterThanOrEqualTo(2);

      // A client's request: at the client, and at the node that coordinated it.
      c.await(client.store("carts", Codec.utf8()).putAsync("bob", Context.EMPTY, "eggs"));
      assertThat(client.latencies().get("put/carts").total()).isEqualTo(1);
      long coordinated = c.running.values().stream().mapToLong(n -> n.latencies()
          .getOrDefault("coordinate.put/carts", new LatencySummary(0, null, 0, null, null, null, null)).total()).sum();
      assertThat(coordinated).isEqualTo(1);

      // A failure, counted by cause: a counter operation on a flag is refused.
      c.await(n0.flags("tags").enableAsync("t"));
      assertThatThrownBy(() -> c.await(n0.counters("tags").incrementAsync("t", 1)));
      assertThat(n0.metrics()).containsEntry("failures.update.refused", 1L);
      client.close();
    }
  }

  /** The minute's summary line says what a node has pending: here, hints for a node cut off. */
  @Test
  void aNodeSaysWhatItHasPending() {
    try (MembershipCluster c = new MembershipCluster(103, 4)) {
      NodeId away = NodeId.of("n3");
      assertThat(c.running.values().stream().map(n -> io.dynamokv.internal.node.NodeAccess.runtime(n).pendingWork())
          .filter(java.util.Optional::isPresent).count()).isZero();
      c.sim.network().isolate(c.endpoints.get(away));
      Store<String> store = c.node("n0").store("kv", Codec.utf8());
      for (int i = 0; i < 40; i++) {
        try {
          c.await(store.putAsync("k" + i, Context.EMPTY, "v"));
        } catch (RuntimeException e) {
          // the first writes may wait for n3 to be found down
        }
      }
      c.pass(Duration.ofSeconds(5)); // writes whose n3 attempt timed out after W was met go to a fallback
      java.util.List<String> lines = c.running.values().stream()
          .map(n -> io.dynamokv.internal.node.NodeAccess.runtime(n).pendingWork())
          .flatMap(java.util.Optional::stream).toList();
      assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).contains("hints held for {n3="));
      // The status says the same, for the CLI and the admin interface.
      assertThat(c.running.values().stream().map(n -> n.status().pendingWork()).flatMap(java.util.Optional::stream)
          .toList()).isEqualTo(lines);
      assertThat(c.node("n0").status().antiEntropyDebt().isNegative()).isFalse();
      c.sim.network().heal();
      c.pass(Duration.ofSeconds(20));
      assertThat(c.running.values().stream().map(n -> io.dynamokv.internal.node.NodeAccess.runtime(n).pendingWork())
          .flatMap(java.util.Optional::stream).toList()).as("once the hints are delivered").isEmpty();
    }
  }

  @Test
  void recordingCanBeTurnedOffToMeasureItsCost() {
    try (MembershipCluster c = new MembershipCluster(102, 3)) {
      DynamoNode quiet = DynamoNode.newBuilder(NodeId.of("q")).storage(io.dynamokv.spi.StorageEngine.inMemory())
          .transport(c.sim.network().transport(Endpoint.of("q", 7000))).member(NodeId.of("q"), Endpoint.of("q", 7000))
          .replication(Replication.of(1, 1, 1)).clock(c.sim.clock()).scheduler(c.sim.scheduler())
          .random(c.sim.newRandom()).latencyRecording(false).requestTimeout(Duration.ofSeconds(2)).build();
      quiet.start();
      c.await(quiet.store("kv", Codec.utf8()).putAsync("k", Context.EMPTY, "v"));
      assertThat(quiet.latencies()).isEmpty();
      quiet.close();
    }
  }
}
