package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Context;
import io.dynamokv.GetResult;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Replicas that are slow, not down, in a cluster of exactly N nodes: no fallback exists, so a
 * replica request may use the whole deadline. Halving it (to leave time for a fallback that
 * does not exist) failed writes and reads whose replicas answered well within the deadline, as
 * RocksDB fsyncs of 0.5-1 s during heavy compaction did in the memory benchmark.
 */
class SlowReplicaTest {

  @Test
  void withNoFallbackAReplicaMayTakeMostOfTheDeadline() {
    Simulation sim = new Simulation(7);
    try (ThreeNodes cluster = new ThreeNodes(sim, Duration.ofSeconds(2))) {
      // Every reply takes 1.2-1.4 s to come back: more than half the 2 s deadline, less than all of it.
      sim.network().setLatency(Duration.ofMillis(600), Duration.ofMillis(700));
      Context written = sim.await(cluster.store(0).putAsync("k", Context.EMPTY, "v"), Duration.ofSeconds(30));
      assertThat(written).isNotEqualTo(Context.EMPTY);
      GetResult<String> read = sim.await(cluster.store(1).getAsync("k"), Duration.ofSeconds(30));
      assertThat(read.value()).contains("v");
    }
  }
}
