package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.internal.node.NodeAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #27: the status and counters that say what a node has pending move when their event
 * happens: hints held per target (with bytes), the age of each peer's last heartbeat, partitions
 * not found in sync, a transfer's progress; and clear when the work is done.
 */
class NodeStatusTest {

  private static final NodeId AWAY = NodeId.of("n3");

  @Test
  void aPeerCutOffShowsInHintsHeartbeatsAndPartitionsBehind() {
    try (MembershipCluster c = new MembershipCluster(271, 4, Duration.ofSeconds(5))) {
      c.pass(Duration.ofSeconds(30)); // every pair compared and found in sync
      assertThat(c.running.values()).allSatisfy(n -> {
        assertThat(n.status().hintsByTarget()).isEmpty();
        assertThat(n.status().partitionsBehind()).isEmpty();
      });
      c.sim.network().isolate(c.endpoints.get(AWAY));
      Store<String> store = c.node("n0").store(MembershipCluster.STORE, Codec.utf8());
      for (int i = 0; i < 40; i++) {
        try {
          c.await(store.putAsync("k" + i, Context.EMPTY, "value " + i));
        } catch (RuntimeException e) {
          // the first writes may wait for n3 to be found down
        }
      }
      c.pass(Duration.ofSeconds(20));

      long held = 0;
      for (NodeId id : List.of(NodeId.of("n0"), NodeId.of("n1"), NodeId.of("n2"))) {
        ClusterStatus s = c.running.get(id).status();
        ClusterStatus.HintBacklog forAway = s.hintsByTarget().getOrDefault(AWAY, new ClusterStatus.HintBacklog(0, 0));
        assertThat(s.hintBacklog()).isEqualTo(forAway.hints());
        assertThat(forAway.bytes()).as("bytes of %s's hints", id).isGreaterThanOrEqualTo(forAway.hints() * 10);
        assertThat(c.running.get(id).metrics()).containsEntry("hints.pending", forAway.hints())
            .containsEntry("hints.pending.bytes", forAway.bytes());
        held += forAway.hints();

        Map<NodeId, ClusterStatus.Member> members = byId(s);
        assertThat(members.get(AWAY).sinceHeartbeat()).hasValueSatisfying(
            age -> assertThat(age).isGreaterThanOrEqualTo(Duration.ofSeconds(15)));
        assertThat(members.get(id).sinceHeartbeat()).as("no heartbeat of itself").isEmpty();
        NodeId other = id.equals(NodeId.of("n0")) ? NodeId.of("n1") : NodeId.of("n0");
        assertThat(members.get(other).sinceHeartbeat()).hasValueSatisfying(
            age -> assertThat(age).isLessThan(Duration.ofSeconds(5)));

        // Every node with a lower id than n3 compares its partitions with n3, and cannot.
        assertThat(s.partitionsBehind()).isNotEmpty().allSatisfy(p -> {
          assertThat(p.peer()).isEqualTo(AWAY);
          assertThat(p.since()).isGreaterThan(Duration.ofSeconds(10));
        });
        assertThat(c.running.get(id).metrics().get("antientropy.partitions.behind")).isPositive();
      }
      assertThat(held).as("hints written for n3").isPositive();

      c.sim.network().heal();
      c.pass(Duration.ofSeconds(30));
      assertThat(c.running.values()).allSatisfy(n -> {
        ClusterStatus s = n.status();
        assertThat(s.hintsByTarget()).isEmpty();
        assertThat(s.partitionsBehind()).isEmpty();
        assertThat(n.metrics()).containsEntry("hints.pending", 0L).containsEntry("antientropy.partitions.behind", 0L);
      });
    }
  }

  @Test
  void aTransferShowsItsProgressAndTheTimeLeft() {
    try (MembershipCluster c = new MembershipCluster(272, 3)) {
      Store<String> store = c.node("n0").store(MembershipCluster.STORE, Codec.utf8());
      String value = "x".repeat(1000);
      for (int i = 0; i < 300; i++) {
        c.await(store.putAsync("k" + i, Context.EMPTY, value));
      }
      c.transferRate = 30_000; // bytes a second: the transfer takes some seconds
      DynamoNode joining = c.join("n3");
      c.awaitCondition(() -> joining.status().transfer().map(t -> t.partitionsDone() > 0).orElse(false),
          Duration.ofMinutes(2));
      ClusterStatus.Transfer t = joining.status().transfer().orElseThrow();
      assertThat(t.partitionsTotal()).isGreaterThan(t.partitionsDone());
      assertThat(t.bytesReceived()).isPositive();
      assertThat(t.ringVersion()).isEqualTo(joining.status().pendingRingVersion().orElseThrow());
      assertThat(t.remaining()).hasValueSatisfying(r -> assertThat(r).isPositive());
      assertThat(joining.metrics().get("transfer.partitions.pending")).isEqualTo(
          (long) (t.partitionsTotal() - t.partitionsDone()));
      assertThat(NodeAccess.runtime(joining).pendingWork()).hasValueSatisfying(
          l -> assertThat(l).contains("partitions received").contains("s to go"));

      c.awaitCondition(c::agree, Duration.ofMinutes(5));
      assertThat(joining.status().transfer()).isEmpty();
      assertThat(joining.metrics()).containsEntry("transfer.partitions.pending", 0L);
    }
  }

  /**
   * The counters move with their events: hints written to fallbacks and delivered, a read repair,
   * an anti-entropy repair, a write that fails its quorum.
   */
  @Test
  void eachCounterMovesWithItsEvent() {
    try (MembershipCluster c = new MembershipCluster(273, 4, Duration.ofSeconds(5))) {
      Store<String> store = c.node("n0").store(MembershipCluster.STORE, Codec.utf8());
      c.sim.network().isolate(c.endpoints.get(AWAY));
      for (int i = 0; i < 20; i++) {
        try {
          c.await(store.putAsync("h" + i, Context.EMPTY, "v"));
        } catch (RuntimeException e) {
          // the first writes may wait for n3 to be found down
        }
      }
      c.pass(Duration.ofSeconds(5));
      assertThat(sum(c, "hints.written.to.fallbacks")).isPositive();
      assertThat(sum(c, "hints.stored")).isPositive();
      assertThat(sum(c, "hints.delivered")).isZero();
      c.sim.network().heal();
      c.pass(Duration.ofSeconds(30));
      assertThat(sum(c, "hints.delivered")).isPositive();

      // A replica set back to an older version: a read of all three repairs it.
      long repairsBefore = sum(c, "read.repairs");
      staleReplica(c, store, "r");
      c.await(store.getAsync("r", ReadOptions.defaults().withR(3)));
      assertThat(sum(c, "read.repairs")).isGreaterThan(repairsBefore);

      // Again, but nothing reads it: anti-entropy repairs it.
      long keysBefore = sum(c, "antientropy.keys.received") + sum(c, "antientropy.keys.sent");
      staleReplica(c, store, "ae");
      c.pass(Duration.ofSeconds(15));
      assertThat(sum(c, "antientropy.keys.received") + sum(c, "antientropy.keys.sent")).isGreaterThan(keysBefore);

      // n0 alone cannot meet W = 2.
      c.sim.network().isolate(c.endpoints.get(NodeId.of("n0")));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.await(store.putAsync("q", Context.EMPTY, "v")));
      Map<String, Long> n0 = c.node("n0").metrics();
      assertThat(n0.get("quorum.failures")).isPositive();
      assertThat(n0.entrySet().stream().filter(e -> e.getKey().startsWith("failures.put."))
          .mapToLong(Map.Entry::getValue).sum()).isPositive();
    }
  }

  /** Writes {@code key} twice and sets one of its replicas back to the first version. */
  private static void staleReplica(MembershipCluster c, Store<String> store, String key) {
    Context first = c.await(store.putAsync(key, Context.EMPTY, "one"));
    c.pass(Duration.ofSeconds(1));
    io.dynamokv.spi.StorageKey k = c.ring().keySpace().storageKey(MembershipCluster.STORE,
        key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    NodeId replica = c.ring().preferenceList(k.partition(), 3).primaries().get(0);
    io.dynamokv.spi.version.VersionSet old = c.disks.get(replica).get(k).orElseThrow();
    c.await(store.putAsync(key, first, "two"));
    c.pass(Duration.ofSeconds(1));
    c.await(c.disks.get(replica).update(k, v -> old));
  }

  private static long sum(MembershipCluster c, String counter) {
    return c.running.values().stream().mapToLong(n -> n.metrics().getOrDefault(counter, 0L)).sum();
  }

  private static Map<NodeId, ClusterStatus.Member> byId(ClusterStatus s) {
    Map<NodeId, ClusterStatus.Member> out = new java.util.TreeMap<>();
    s.members().forEach(m -> out.put(m.id(), m));
    return out;
  }
}
