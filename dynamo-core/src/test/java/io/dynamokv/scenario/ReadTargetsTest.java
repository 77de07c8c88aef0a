package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Context;
import io.dynamokv.GetResult;
import io.dynamokv.NodeId;
import io.dynamokv.ReadOptions;
import io.dynamokv.Store;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which replicas a read asks: R of the N (this node first when it is a replica), and the others
 * only in place of one that fails or is slow. A read at R=2 on a replica costs one remote read.
 */
class ReadTargetsTest {

  private final Simulation sim = new Simulation(11);
  private ThreeNodes cluster;

  @BeforeEach
  void start() {
    // Round trips of 2 ms, steady: a read never waits long enough to ask one more replica.
    sim.network().setLatency(Duration.ofMillis(1), Duration.ofMillis(1));
    cluster = new ThreeNodes(sim, Duration.ofSeconds(2));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Store<String> store(int node) {
    return cluster.store(node);
  }

  private long metric(String name) {
    return cluster.metric(name);
  }

  @Test
  void aReadAtRTwoOnAReplicaAsksOneOtherReplica() {
    sim.await(store(0).putAsync("k", Context.EMPTY, "v"), Duration.ofSeconds(10));
    sim.runFor(Duration.ofSeconds(1));
    for (int i = 0; i < 20; i++) {
      long before = replicaGets();
      GetResult<String> read = sim.await(store(i % 3).getAsync("k"), Duration.ofSeconds(10));
      assertThat(read.value()).contains("v");
      sim.runFor(Duration.ofSeconds(1));
      // Every node of three is a replica: its own read and one remote read make R = 2.
      assertThat(replicaGets() - before).as("replica reads sent by read %d", i).isEqualTo(1);
    }
    GetResult<String> all = sim.await(store(1).getAsync("k", ReadOptions.defaults().withR(3)), Duration.ofSeconds(10));
    assertThat(all.value()).contains("v");
    assertThat(metric("reads.speculative")).isZero();
  }

  @Test
  void aSilentReplicaIsReplacedLongBeforeItsAttemptTimesOut() {
    sim.await(store(0).putAsync("k", Context.EMPTY, "v"), Duration.ofSeconds(10));
    sim.runFor(Duration.ofSeconds(1));
    // n0 asks itself and one of n1 and n2; cut from each in turn, it is cut from the one it
    // asks once, and that one never answers: the other must stand in well within the deadline.
    for (String other : List.of("n1", "n2")) {
      sim.network().cutLink(cluster.members.get(NodeId.of("n0")), cluster.members.get(NodeId.of(other)));
      long startNanos = sim.clock().nanoTime();
      GetResult<String> read = sim.await(store(0).getAsync("k"), Duration.ofSeconds(10));
      assertThat(read.value()).contains("v");
      assertThat(Duration.ofNanos(sim.clock().nanoTime() - startNanos)).as("read with n0 cut from " + other)
          .isLessThan(Duration.ofMillis(100));
      sim.network().heal();
      sim.runFor(Duration.ofSeconds(5));
    }
    assertThat(metric("reads.speculative")).isPositive();
  }

  /** The replica reads the nodes served, as their latency summaries count them. */
  private long replicaGets() {
    return cluster.nodes.stream().mapToLong(n -> {
      io.dynamokv.LatencySummary served = n.latencies().get("replica.get/s");
      return served == null ? 0 : served.total();
    }).sum();
  }
}
