package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.NodeId;
import io.dynamokv.RepairReport;
import io.dynamokv.Store;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Invariant 6: after faults heal, replicas converge through Merkle anti-entropy alone. */
class AntiEntropyTest {

  private static final String STORE = "items";

  private static boolean converged(SimulatedClusterTest.SimCluster cluster) {
    Ring ring = cluster.membership().ring();
    for (int p = 0; p < ring.partitionCount(); p++) {
      long[] first = null;
      for (NodeId replica : ring.preferenceList(p, 3).primaries()) {
        long[] leaves = cluster.storage(replica).merkleLeaves(STORE, p);
        if (first == null) {
          first = leaves;
        } else if (!java.util.Arrays.equals(first, leaves)) {
          return false;
        }
      }
    }
    return true;
  }

  private static List<RepairReport> passOnEveryNode(SimulatedClusterTest.SimCluster cluster) {
    List<RepairReport> reports = new ArrayList<>();
    for (NodeId n : cluster.nodes()) {
      reports.add(cluster.await(cluster.node(n).repairAsync()));
    }
    return reports;
  }

  @Test
  void replicasThatMissedWritesConvergeWithinOnePassWithoutHints() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(7, false)) {
      NodeId cut = cluster.nodes().get(2);
      Set<NodeId> rest = new java.util.HashSet<>(cluster.nodes());
      rest.remove(cut);
      cluster.partition(rest, Set.of(cut));
      Store<String> store = cluster.node(cluster.nodes().get(0)).store(STORE, Codec.utf8());
      for (int i = 0; i < 300; i++) {
        cluster.await(store.putAsync("key-" + i, Context.EMPTY, "v" + i));
      }
      cluster.heal();
      cluster.pass(java.time.Duration.ofSeconds(3)); // probes see the cut node again
      assertThat(converged(cluster)).as("replicas differ before anti-entropy").isFalse();
      int passes = 0;
      while (!converged(cluster)) {
        passOnEveryNode(cluster);
        passes++;
        assertThat(passes).as("passes needed to converge").isLessThanOrEqualTo(2);
      }
      assertThat(passes).isEqualTo(1);
      for (int i = 0; i < 300; i++) {
        String key = "key-" + i;
        PreferenceList pl = cluster.preferenceList(key);
        for (NodeId replica : pl.primaries()) {
          VersionSet held = cluster.storage(replica).get(cluster.keySpace().storageKey(STORE, key.getBytes(StandardCharsets.UTF_8))).orElse(VersionSet.EMPTY);
          assertThat(held.values()).as("%s on %s", key, replica).hasSize(1);
        }
      }
    }
  }

  /** 100,000 keys, 10 of them differing: the keys exchanged are a small multiple of 10. */
  @Test
  void repairTrafficIsProportionalToTheDifferenceNotToTheData() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(8, false)) {
      ActorId writer = ActorId.of(NodeId.of("loader"), 1);
      Ring ring = cluster.membership().ring();
      int keys = 100_000;
      List<StorageKey> changed = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        byte[] k = ("user:" + i).getBytes(StandardCharsets.UTF_8);
        StorageKey key = cluster.keySpace().storageKey(STORE, k);
        VersionSet v = VersionSet.EMPTY.put(VersionVector.EMPTY, writer, ("v" + i).getBytes(StandardCharsets.UTF_8), 1);
        for (NodeId replica : ring.preferenceList(key.partition(), 3).primaries()) {
          cluster.storage(replica).update(key, cur -> cur.merge(v));
        }
        if (i % (keys / 10) == 0) {
          changed.add(key);
        }
      }
      // Ten keys get a newer version on one replica only.
      for (StorageKey key : changed) {
        NodeId one = ring.preferenceList(key.partition(), 3).primaries().get(1);
        cluster.storage(one).update(key, cur -> cur.put(cur.context(), writer, "newer".getBytes(StandardCharsets.UTF_8), 2));
      }
      assertThat(converged(cluster)).isFalse();
      long transferred = 0;
      long repaired = 0;
      for (RepairReport r : passOnEveryNode(cluster)) {
        transferred += r.keysTransferred();
        repaired += r.keysReceived() + r.keysSent();
      }
      assertThat(converged(cluster)).isTrue();
      System.out.printf("anti-entropy over %d keys with %d differing: %d keys transferred, %d repaired%n",
          keys, changed.size(), transferred, repaired);
      assertThat(repaired).isGreaterThanOrEqualTo(changed.size() * 2L); // each to the two replicas without it
      assertThat(transferred).as("keys exchanged").isLessThanOrEqualTo(changed.size() * 30L);
      for (StorageKey key : changed) {
        for (NodeId replica : ring.preferenceList(key.partition(), 3).primaries()) {
          assertThat(new String(cluster.storage(replica).get(key).orElseThrow().values().get(0).value(),
              StandardCharsets.UTF_8)).isEqualTo("newer");
        }
      }
    }
  }

  /**
   * Issue #23, item 5: a repair right after a peer stopped waited a request deadline for it in
   * each partition they share, one at a time (minutes), and a second call meanwhile reported
   * zeros at once, as if there was nothing to do.
   */
  @Test
  void aRepairRightAfterAPeerStopsSkipsItAndACallMeanwhileJoinsThePass() {
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(11, false)) {
      NodeId self = cluster.nodes().get(0);
      NodeId gone = cluster.nodes().get(1);
      Store<String> store = cluster.node(self).store(STORE, Codec.utf8());
      for (int i = 0; i < 100; i++) {
        cluster.await(store.putAsync("key-" + i, Context.EMPTY, "v" + i));
      }
      // As a peer that has just stopped: it answers nothing, and nobody believes it down yet.
      Set<NodeId> others = new java.util.HashSet<>(cluster.nodes());
      others.remove(gone);
      cluster.partition(others, Set.of(gone));
      assertThat(cluster.node(self).peersBelievedDown()).isEmpty();
      long start = cluster.simulation().clock().elapsed().toMillis();
      java.util.concurrent.CompletableFuture<RepairReport> first = cluster.node(self).repairAsync();
      java.util.concurrent.CompletableFuture<RepairReport> second = cluster.node(self).repairAsync();
      RepairReport report = cluster.await(first);
      long took = cluster.simulation().clock().elapsed().toMillis() - start;

      assertThat(took).as("virtual ms the pass took (request deadline 2,000 ms)").isLessThan(5_000);
      assertThat(cluster.await(second)).isEqualTo(report);
      assertThat(report.exchanges()).as("exchanges with the other peers: %s", report).isPositive();
      assertThat(report.exchangesSkipped()).as("exchanges with the stopped peer, skipped").isGreaterThan(5);
    }
  }

  /**
   * Issue #30, item 5: a pass that failed (it ran out of heap listing its exchanges) left its
   * running flag set, so every later pass on that node reported nothing until a restart.
   */
  @Test
  void aPassThatFailsIsFollowedByOneThatRuns() {
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    try (SimulatedClusterTest.SimCluster cluster = new SimulatedClusterTest.SimCluster(13, false,
        BrokenStorage.failingNextListingOnceArmed(armed), java.time.Duration.ofMinutes(10))) {
      NodeId self = cluster.nodes().get(0);
      Store<String> store = cluster.node(self).store(STORE, Codec.utf8());
      for (int i = 0; i < 20; i++) {
        cluster.await(store.putAsync("key-" + i, Context.EMPTY, "v" + i));
      }
      armed.set(true);
      java.util.concurrent.CompletableFuture<RepairReport> failed = cluster.node(self).repairAsync();
      assertThat(failed).isCompletedExceptionally();
      RepairReport next = cluster.await(cluster.node(self).repairAsync());
      assertThat(next.exchanges()).as("exchanges of the pass after the failed one: %s", next).isPositive();
    }
  }
}
