package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.GetResult;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.Store;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    Map<NodeId, Endpoint> members = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      members.put(NodeId.of("n" + i), Endpoint.of("n" + i, 7000));
    }
    List<DynamoNode> nodes = new ArrayList<>();
    for (Map.Entry<NodeId, Endpoint> m : members.entrySet()) {
      DynamoNodeBuilder b = DynamoNode.newBuilder(m.getKey())
          .storage(StorageEngine.inMemory())
          .transport(sim.network().transport(m.getValue()))
          .partitions(16)
          .replication(Replication.of(3, 2, 2))
          .requestTimeout(Duration.ofSeconds(2))
          .clock(sim.clock())
          .scheduler(sim.scheduler())
          .random(sim.newRandom());
      members.forEach(b::member);
      DynamoNode node = b.build();
      node.start();
      nodes.add(node);
    }
    try {
      // Every reply takes 1.2-1.4 s to come back: more than half the 2 s deadline, less than all of it.
      sim.network().setLatency(Duration.ofMillis(600), Duration.ofMillis(700));
      Store<String> store = nodes.get(0).store("s", Codec.utf8());
      Context written = sim.await(store.putAsync("k", Context.EMPTY, "v"), Duration.ofSeconds(30));
      assertThat(written).isNotEqualTo(Context.EMPTY);
      GetResult<String> read = sim.await(nodes.get(1).store("s", Codec.utf8()).getAsync("k"), Duration.ofSeconds(30));
      assertThat(read.value()).contains("v");
    } finally {
      nodes.forEach(DynamoNode::close);
    }
  }
}
