package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoNode;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.ReadOptions;
import io.dynamokv.Replication;
import io.dynamokv.Store;
import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.testkit.CrashableStorage;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import java.util.List;
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

  private static ActorId actorOf(SimulatedClusterTest.SimCluster cluster, NodeId id) {
    return NodeAccess.runtime(cluster.node(id)).actor();
  }

  private static Store<String> store(SimulatedClusterTest.SimCluster cluster, NodeId via) {
    return cluster.node(via).store("carts", Codec.utf8());
  }

  /**
   * Writes through {@code x}, to each key, a value whose counter of x's actor its disk will lose:
   * a first write, then (after a backup of x's disk, taken while it is stopped) an update through
   * x. Returns the backup, which lacks the updates.
   */
  private static StorageEngine writeBehindABackup(SimulatedClusterTest.SimCluster cluster, NodeId x) {
    String other = otherKey(cluster, x);
    for (String key : List.of(KEY, other)) {
      cluster.await(store(cluster, x).putAsync(key, Context.EMPTY, "before"));
    }
    ActorId kept = actorOf(cluster, x);
    StorageEngine backup = cluster.stopAndBackUp(x);
    cluster.restart(x);
    assertThat(actorOf(cluster, x)).as("after a clean stop").isEqualTo(kept);
    for (String key : List.of(KEY, other)) {
      Context read = cluster.await(store(cluster, x).getAsync(key)).context();
      cluster.await(store(cluster, x).putAsync(key, read, "acknowledged"));
    }
    cluster.stopAndBackUp(x);
    return backup;
  }

  private static final String KEY = "kv679";

  /** A second key that {@code x} replicates. */
  private static String otherKey(SimulatedClusterTest.SimCluster cluster, NodeId x) {
    return java.util.stream.IntStream.range(0, 100).mapToObj(i -> KEY + "-" + i)
        .filter(k -> cluster.preferenceList(k).primaries().contains(x)).findFirst().orElseThrow();
  }

  /**
   * Issue #23, item 2 (Riak's KV679, by backup and restore): a node stopped cleanly, its disk
   * copied, written through, stopped, and started on the old copy, which looks cleanly closed.
   * It kept its incarnation and took its counters from the copy, so a blind write through it
   * reused the acknowledged update's dot and one of the two vanished. Its peers remember the run
   * the copy lacks: it now takes a new incarnation before it coordinates.
   */
  @Test
  void aNodeRestoredFromAnOldCopyOfItsDiskTakesANewIncarnationBeforeItWrites() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(21, true)) {
      NodeId x = cluster.preferenceList(KEY).primaries().get(0);
      StorageEngine backup = writeBehindABackup(cluster, x);
      cluster.restoreAndStart(x, backup);
      cluster.await(store(cluster, x).putAsync(KEY, Context.EMPTY, "blind"));
      assertThat(cluster.await(store(cluster, x).getAsync(KEY, ReadOptions.defaults().withR(3))).values())
          .containsExactlyInAnyOrder("acknowledged", "blind");
      assertThat(cluster.node(x).metrics().get("actor.renewals")).isEqualTo(1);
    }
  }

  /**
   * As above, with every peer out of reach while the restored node starts, so that none can tell
   * it about the run its copy lacks. After the heal, a read of one key through it repairs its
   * replica with the update it lost: that is the evidence, and it takes a new incarnation before
   * a blind write of another key that its copy lacks an update of.
   */
  @Test
  void aNodeThatLearnsFromARepairThatItsDataIsOldTakesANewIncarnation() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(22, true)) {
      NodeId x = cluster.preferenceList(KEY).primaries().get(0);
      StorageEngine backup = writeBehindABackup(cluster, x);
      java.util.Set<NodeId> others = new java.util.HashSet<>(cluster.nodes());
      others.remove(x);
      cluster.partition(java.util.Set.of(x), others);
      cluster.restoreAndStart(x, backup);
      cluster.pass(Duration.ofSeconds(5));
      cluster.heal();
      cluster.pass(Duration.ofSeconds(3));
      assertThat(cluster.node(x).metrics().get("actor.renewals")).as("before any evidence").isZero();
      cluster.await(store(cluster, x).getAsync(KEY, ReadOptions.defaults().withR(3)));
      cluster.pass(Duration.ofSeconds(1)); // the read repair reaches x's replica
      cluster.await(store(cluster, x).putAsync(otherKey(cluster, x), Context.EMPTY, "blind"));
      assertThat(cluster.await(store(cluster, x).getAsync(otherKey(cluster, x), ReadOptions.defaults().withR(3))).values())
          .containsExactlyInAnyOrder("acknowledged", "blind");
      assertThat(cluster.node(x).metrics().get("actor.renewals")).isEqualTo(1);
    }
  }
}
