package io.dynamokv.scenario;

import io.dynamokv.Codec;
import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
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

/**
 * Three started nodes n0, n1, n2 on a simulated network, N=3 R=2 W=2, in-memory storage: every
 * node a replica of every key, and no fallback.
 */
final class ThreeNodes implements AutoCloseable {

  final Map<NodeId, Endpoint> members = new TreeMap<>();
  final List<DynamoNode> nodes = new ArrayList<>();

  ThreeNodes(Simulation sim, Duration requestTimeout) {
    for (int i = 0; i < 3; i++) {
      members.put(NodeId.of("n" + i), Endpoint.of("n" + i, 7000));
    }
    for (Map.Entry<NodeId, Endpoint> m : members.entrySet()) {
      DynamoNodeBuilder b = DynamoNode.newBuilder(m.getKey())
          .storage(StorageEngine.inMemory())
          .transport(sim.network().transport(m.getValue()))
          .partitions(16)
          .replication(Replication.of(3, 2, 2))
          .requestTimeout(requestTimeout)
          .clock(sim.clock())
          .scheduler(sim.scheduler())
          .random(sim.newRandom());
      members.forEach(b::member);
      DynamoNode node = b.build();
      node.start();
      nodes.add(node);
    }
  }

  /** The store {@code s} of strings at node {@code i}. */
  Store<String> store(int i) {
    return nodes.get(i).store("s", Codec.utf8());
  }

  /** The nodes' counter {@code name}, summed. */
  long metric(String name) {
    return nodes.stream().mapToLong(n -> n.metrics().getOrDefault(name, 0L)).sum();
  }

  @Override
  public void close() {
    nodes.forEach(DynamoNode::close);
  }
}
