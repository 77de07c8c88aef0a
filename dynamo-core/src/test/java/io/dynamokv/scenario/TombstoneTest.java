package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.GetResult;
import io.dynamokv.NodeId;
import io.dynamokv.Store;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariant 7: a deleted key stays deleted, and its tombstones are collected, never by time alone. */
class TombstoneTest {

  private static final String STORE = "items";

  private static StorageKey key(SimulatedClusterTest.SimCluster cluster, String k) {
    return cluster.keySpace().storageKey(STORE, k.getBytes(StandardCharsets.UTF_8));
  }

  private static VersionSet held(SimulatedClusterTest.SimCluster cluster, NodeId node, String k) {
    return cluster.storage(node).get(key(cluster, k)).orElse(VersionSet.EMPTY);
  }

  private static void passes(SimulatedClusterTest.SimCluster cluster, int rounds) {
    for (int i = 0; i < rounds; i++) {
      for (NodeId n : cluster.nodes()) {
        if (!cluster.isDown(n)) {
          cluster.await(cluster.node(n).repairAsync());
        }
      }
    }
  }

  private static Store<String> store(SimulatedClusterTest.SimCluster cluster, NodeId via) {
    return cluster.node(via).store(STORE, Codec.utf8());
  }

  @Test
  void aPutDeleteLoopLeavesOneSmallCollectedEntry() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(41)) {
      List<NodeId> nodes = cluster.nodes();
      int sizeAfterFirst = 0;
      for (int i = 0; i < 30; i++) {
        Store<String> s = store(cluster, nodes.get(i % nodes.size()));
        GetResult<String> read = cluster.await(s.getAsync("k"));
        Context written = cluster.await(s.putAsync("k", read.context(), "v" + i));
        cluster.await(s.deleteAsync("k", written));
        passes(cluster, 1);
        if (i == 0) {
          sizeAfterFirst = VersionSetCodec.encode(held(cluster, cluster.preferenceList("k").primaries().get(0), "k")).length;
        }
      }
      PreferenceList pl = cluster.preferenceList("k");
      for (NodeId replica : pl.primaries()) {
        VersionSet v = held(cluster, replica, "k");
        assertThat(v.siblings()).as("tombstones left on %s", replica).isEmpty();
        // The entry is the context alone: one counter per coordinator, however long the loop ran.
        assertThat(VersionSetCodec.encode(v).length).isLessThanOrEqualTo(Math.max(sizeAfterFirst, 20) * 3);
      }
      assertThat(cluster.await(store(cluster, nodes.get(1)).getAsync("k")).isAbsent()).isTrue();
      long collected = nodes.stream().mapToLong(n -> cluster.node(n).metrics().get("tombstones.collected")).sum();
      assertThat(collected).isPositive();
    }
  }

  @Test
  void aStaleReplicaOrALateHintCannotBringACollectedKeyBack() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(42)) {
      PreferenceList pl = cluster.preferenceList("gone");
      Store<String> s = store(cluster, pl.primaries().get(0));
      Context ctx = cluster.await(s.putAsync("gone", Context.EMPTY, "old"));
      cluster.pass(Duration.ofSeconds(1));
      VersionSet old = held(cluster, pl.primaries().get(1), "gone");
      assertThat(old.values()).hasSize(1);
      cluster.await(s.deleteAsync("gone", ctx));
      passes(cluster, 1);
      assertThat(held(cluster, pl.primaries().get(0), "gone").siblings()).isEmpty();

      // A replica restored from an old backup holds the old version again.
      NodeId stale = pl.primaries().get(2);
      cluster.storage(stale).update(key(cluster, "gone"), current -> old);
      // A fallback still holds an old hint for a primary.
      cluster.storage(pl.fallbacks().get(0)).putHint(pl.primaries().get(1), key(cluster, "gone"), old).join();
      passes(cluster, 2);
      cluster.pass(Duration.ofSeconds(3)); // hint delivery
      for (NodeId replica : pl.primaries()) {
        assertThat(held(cluster, replica, "gone").values()).as("live versions on %s", replica).isEmpty();
      }
      assertThat(cluster.await(store(cluster, pl.primaries().get(2)).getAsync("gone")).isAbsent()).isTrue();
    }
  }

  @Test
  void aReplicaDownDuringTheDeleteComesBackAndTheKeyStaysDeleted() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(43, false)) {
      PreferenceList pl = cluster.preferenceList("late");
      NodeId away = pl.primaries().get(2);
      Store<String> s = store(cluster, pl.primaries().get(0));
      Context ctx = cluster.await(s.putAsync("late", Context.EMPTY, "value"));
      cluster.pass(Duration.ofSeconds(1));
      assertThat(held(cluster, away, "late").values()).hasSize(1);
      cluster.kill(away);
      cluster.await(s.deleteAsync("late", ctx));
      passes(cluster, 1);
      assertThat(held(cluster, pl.primaries().get(0), "late").hasOnlyTombstones())
          .as("not collected while a replica cannot confirm").isTrue();
      cluster.pass(Duration.ofMinutes(10)); // much later
      cluster.restart(away);
      cluster.pass(Duration.ofSeconds(3));
      assertThat(cluster.await(s.getAsync("late")).isAbsent()).isTrue();
      passes(cluster, 2);
      for (NodeId replica : pl.primaries()) {
        assertThat(held(cluster, replica, "late").siblings()).as("%s", replica).isEmpty();
      }
      assertThat(cluster.await(store(cluster, away).getAsync("late")).isAbsent()).isTrue();
    }
  }
}
