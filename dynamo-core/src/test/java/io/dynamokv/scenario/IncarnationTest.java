package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.DynamoNode;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.testkit.CrashableStorage;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Invariant 8, and its sibling: a node keeps its actor id only across clean stops. */
class IncarnationTest {

  private static ActorId start(Simulation sim, StorageEngine storage) {
    DynamoNode node = DynamoNode.newBuilder(NodeId.of("a"))
        .storage(storage)
        .transport(sim.network().transport(Endpoint.of("a", 1)))
        .member(NodeId.of("a"), Endpoint.of("a", 1))
        .replication(Replication.of(1, 1, 1))
        .clock(sim.clock())
        .scheduler(sim.scheduler())
        .random(sim.newRandom())
        .build();
    node.start();
    ActorId actor = NodeAccess.runtime(node).actor();
    node.close();
    return actor;
  }

  @Test
  void aCleanRestartKeepsTheActorAnUncleanOneOrAWipeTakesANewOne() {
    Simulation sim = new Simulation(5);
    CrashableStorage disk = new CrashableStorage(StorageEngine.inMemory(), sim.scheduler(), Duration.ZERO);
    ActorId first = start(sim, disk);
    assertThat(start(sim, disk)).as("after a clean stop").isEqualTo(first);
    disk.crash();
    ActorId afterCrash = start(sim, disk);
    assertThat(afterCrash).as("after an unclean stop").isNotEqualTo(first);
    assertThat(afterCrash.node()).isEqualTo(first.node());
    ActorId afterWipe = start(sim, new CrashableStorage(StorageEngine.inMemory(), sim.scheduler(), Duration.ZERO));
    assertThat(afterWipe).as("after a wipe").isNotEqualTo(first).isNotEqualTo(afterCrash);
  }
}
