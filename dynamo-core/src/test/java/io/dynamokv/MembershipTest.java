package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.ring.Ring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Membership over the simulated network: gossip convergence, joins and leaves under a write
 * load (no acknowledged write lost; every partition on its N right nodes afterwards), removal of
 * a dead node, concurrent changes, and the failure detector.
 */
class MembershipTest {

  private static final NodeId JOINER = NodeId.of("j1");

  @Test
  void gossipSpreadsAChangeInRoundsThatGrowLogarithmically() {
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%n| nodes | rounds until all know a new member (mean of 5 seeds, max) | rounds until the new ring is committed everywhere |%n|---|---|---|%n"));
    int[] sizes = {5, 10, 15, 20};
    double[] spread = new double[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      int size = sizes[i];
      long totalSpread = 0;
      long maxSpread = 0;
      long totalCommit = 0;
      for (long seed = 1; seed <= 5; seed++) {
        try (MembershipCluster c = new MembershipCluster(seed * 1000 + size, size)) {
          c.pass(Duration.ofSeconds(5));
          long start = c.sim.clock().currentTimeMillis();
          c.join(JOINER.value());
          c.awaitCondition(() -> c.running.keySet().stream()
              .allMatch(n -> c.statusOf(n, JOINER) != null), Duration.ofMinutes(5));
          long rounds = (c.sim.clock().currentTimeMillis() - start + 999) / 1000;
          totalSpread += rounds;
          maxSpread = Math.max(maxSpread, rounds);
          c.awaitCondition(() -> c.agree() && c.ring().nodes().contains(JOINER), Duration.ofMinutes(5));
          totalCommit += (c.sim.clock().currentTimeMillis() - start + 999) / 1000;
        }
      }
      spread[i] = totalSpread / 5.0;
      table.append(String.format(Locale.ROOT, "| %d | %.1f (max %d) | %.1f |%n", size, spread[i], maxSpread,
          totalCommit / 5.0));
    }
    System.out.println(table);
    // About logarithmic: from 5 to 20 nodes (x4) the rounds grow by a few, not fourfold.
    assertThat(spread[3]).isLessThan(spread[0] * 3);
    for (int i = 0; i < sizes.length; i++) {
      assertThat(spread[i]).as("rounds at %d nodes", sizes[i])
          .isLessThanOrEqualTo(3 * Math.log(sizes[i]) / Math.log(2) + 3);
    }
  }

  @Test
  void aJoinUnderWritesLosesNothingAndEndsWithEveryPartitionOnItsReplicas() {
    try (MembershipCluster c = new MembershipCluster(11, 4)) {
      MembershipCluster.Writers writers = c.new Writers().start(4);
      c.pass(Duration.ofSeconds(10));
      DynamoNode joiner = c.join(JOINER.value());
      c.await(joiner.joinedAsync());
      c.pass(Duration.ofSeconds(10));
      writers.stop();
      c.awaitCondition(c::agree, Duration.ofMinutes(2));
      assertThat(c.ring().nodes()).contains(JOINER);
      assertThat(c.ring().ownershipCounts().get(JOINER)).isBetween(MembershipCluster.Q / 5, MembershipCluster.Q / 5 + 1);
      assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(c, writers);
      assertThat(joiner.metrics().get("transfer.partitions.done")).isPositive();
    }
  }

  @Test
  void aLeaveUnderWritesLosesNothing() {
    try (MembershipCluster c = new MembershipCluster(12, 5)) {
      MembershipCluster.Writers writers = c.new Writers().start(4);
      c.pass(Duration.ofSeconds(10));
      NodeId leaver = NodeId.of("n3");
      c.await(c.running.get(leaver).leaveAsync());
      c.awaitCondition(() -> c.running.keySet().stream().allMatch(n -> c.statusOf(n, leaver) == MemberStatus.LEFT),
          Duration.ofMinutes(2));
      c.kill(leaver);
      c.pass(Duration.ofSeconds(10));
      writers.stop();
      c.awaitCondition(c::agree, Duration.ofMinutes(2));
      assertThat(c.ring().nodes()).doesNotContain(leaver).hasSize(4);
      assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(c, writers);
    }
  }

  /**
   * Issue #31, item 2: a LEFT node raised its entry's version every round, so its peers always
   * asked for it and it never saw that they knew: it always waited out the cap of
   * {@code LeaveAnnouncement.MAX_ROUNDS} rounds. It exits once every peer it believes up has
   * shown that it knows.
   */
  @Test
  void aLeaverExitsSoonAfterTheOthersKnowItLeft() {
    try (MembershipCluster c = new MembershipCluster(21, 4)) {
      c.pass(Duration.ofSeconds(5));
      NodeId leaver = NodeId.of("n3");
      java.util.concurrent.CompletableFuture<Void> left = c.running.get(leaver).leaveAsync();
      c.awaitCondition(() -> c.statusOf(leaver, leaver) == MemberStatus.LEFT, Duration.ofMinutes(2));
      long leftAt = c.sim.clock().elapsed().toMillis();
      c.await(left);
      long waited = c.sim.clock().elapsed().toMillis() - leftAt;
      assertThat(c.running.keySet()).allSatisfy(n -> assertThat(c.statusOf(n, leaver)).isEqualTo(MemberStatus.LEFT));
      assertThat(waited).as("ms from LEFT to the exit (gossip every 1,000 ms, a cap of 10 rounds)").isLessThan(6_000);
    }
  }

  @Test
  void aRemovedDeadNodesPartitionsAreReReplicatedFromTheOthers() {
    try (MembershipCluster c = new MembershipCluster(13, 5)) {
      MembershipCluster.Writers writers = c.new Writers().start(4);
      c.pass(Duration.ofSeconds(10));
      writers.stop();
      c.pass(Duration.ofSeconds(5));
      NodeId dead = NodeId.of("n2");
      c.kill(dead);
      c.pass(Duration.ofSeconds(5));
      c.running.get(NodeId.of("n0")).removeNode(dead);
      c.awaitCondition(() -> c.agree() && !c.ring().nodes().contains(dead), Duration.ofMinutes(3));
      assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(c, writers);
    }
  }

  @Test
  void aThrottledTransferResumesAfterTheJoinerAndASourceRestart() {
    try (MembershipCluster c = new MembershipCluster(17, 4)) {
      MembershipCluster.Writers writers = c.new Writers().start(8);
      c.pass(Duration.ofSeconds(40));
      writers.stop();
      c.pass(Duration.ofSeconds(2));
      long rate = 8 * 1024;
      c.transferRate = rate;
      DynamoNode joiner = c.join(JOINER.value());
      // Let a part of the partitions arrive, then kill the joiner and, for good measure, a source.
      c.awaitCondition(() -> joiner.metrics().getOrDefault("transfer.partitions.done", 0L) >= 5, Duration.ofMinutes(5));
      long doneBeforeCrash = joiner.metrics().get("transfer.partitions.done");
      c.kill(JOINER);
      c.kill(NodeId.of("n1"));
      c.pass(Duration.ofSeconds(5));
      c.start(NodeId.of("n1"), true);
      long restarted = c.sim.clock().currentTimeMillis();
      DynamoNode again = c.start(JOINER, false);
      c.await(again.joinedAsync());
      long seconds = (c.sim.clock().currentTimeMillis() - restarted) / 1000;
      long doneAfterRestart = again.metrics().get("transfer.partitions.done");
      long bytes = again.metrics().get("transfer.bytes.received");
      Ring ring = c.ring();
      assertThat(doneAfterRestart).as("partitions received after the restart").isPositive();
      assertThat(doneBeforeCrash + doneAfterRestart)
          .as("every gained partition received once: before the crash, or after it")
          .isLessThanOrEqualTo(ring.ownershipCounts().get(JOINER) * 3L);
      // Throttled: the bytes took at least (bytes - one second's burst) / rate seconds.
      assertThat(seconds).isGreaterThanOrEqualTo((bytes - rate) / rate);
      assertThat(bytes).isGreaterThan(2 * rate);
      assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(c, writers);
    }
  }

  @Test
  void hintsHeldForARemovedNodeReachTheKeysNewReplicas() {
    try (MembershipCluster c = new MembershipCluster(18, 5)) {
      c.pass(Duration.ofSeconds(5));
      NodeId dead = NodeId.of("n4");
      c.kill(dead);
      MembershipCluster.Writers writers = c.new Writers().start(4);
      c.pass(Duration.ofSeconds(10));
      writers.stop();
      c.pass(Duration.ofSeconds(3));
      assertThat(hintsHeldFor(c, dead)).as("hints held for the dead node").isPositive();
      c.running.get(NodeId.of("n0")).removeNode(dead);
      c.awaitCondition(() -> c.agree() && !c.ring().nodes().contains(dead) && hintsHeldFor(c, dead) == 0,
          Duration.ofMinutes(3));
      assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(c, writers);
    }
  }

  private static long hintsHeldFor(MembershipCluster c, NodeId node) {
    return c.running.keySet().stream().mapToLong(n -> c.disks.get(n).hints(node, 1_000_000).size()).sum();
  }

  @Test
  void concurrentChangesEndInOneRingThatAllAgreeOn() {
    try (MembershipCluster c = new MembershipCluster(14, 4)) {
      MembershipCluster.Writers writers = c.new Writers().start(2);
      c.pass(Duration.ofSeconds(5));
      // Two joins at once, and a leave at the same moment.
      c.join("j1");
      c.join("j2");
      DynamoNode leaver = c.running.get(NodeId.of("n1"));
      var left = leaver.leaveAsync();
      c.await(left);
      c.kill(NodeId.of("n1"));
      c.awaitCondition(c::agree, Duration.ofMinutes(3));
      writers.stop();
      c.awaitCondition(c::agree, Duration.ofMinutes(1));
      assertThat(c.ring().nodes()).containsExactlyInAnyOrder(NodeId.of("n0"), NodeId.of("n2"), NodeId.of("n3"),
          NodeId.of("j1"), NodeId.of("j2"));
      c.running.keySet().forEach(n -> assertThat(c.statusOf(n, n)).isEqualTo(MemberStatus.UP));
      assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(c, writers);
    }
  }

  @Test
  void thePhiDetectorNoticesASilentNodeAndSeesItAgainWhenItResumes() {
    try (MembershipCluster c = new MembershipCluster(15, 5)) {
      c.pass(Duration.ofSeconds(30));
      NodeId paused = NodeId.of("n4");
      DynamoNode watcher = c.running.get(NodeId.of("n0"));
      assertThat(watcher.peersBelievedDown()).isEmpty();
      // Cut it off from everyone: no requests are made to it, so only gossip can tell.
      c.sim.network().isolate(c.endpoints.get(paused));
      long cut = c.sim.clock().currentTimeMillis();
      c.awaitCondition(() -> watcher.peersBelievedDown().contains(paused), Duration.ofMinutes(2));
      long detectedAfter = c.sim.clock().currentTimeMillis() - cut;
      assertThat(detectedAfter).isBetween(5_000L, 60_000L);
      assertThat(watcher.status().members().stream().filter(m -> m.id().equals(paused)).findFirst().orElseThrow()
          .phi()).isGreaterThan(8);
      c.sim.network().heal();
      c.awaitCondition(() -> !watcher.peersBelievedDown().contains(paused), Duration.ofMinutes(1));
      // The ring did not change: being down is not leaving.
      assertThat(c.ring().version()).isEqualTo(1);
    }
  }

  /**
   * Every founder stops, and all start again on their data at new addresses (as a test cluster
   * picking fresh ports does): the addresses they saved lead nowhere, the configured ones lead to
   * the peers, and within a few rounds each knows the others where they are now and serves
   * reads and writes.
   */
  @Test
  void aWholeClusterRestartedAtNewAddressesFindsItselfAgain() {
    try (MembershipCluster c = new MembershipCluster(17, 3)) {
      c.awaitCondition(c::agree, Duration.ofMinutes(1));
      Store<String> before = c.node("n0").store("s", Codec.utf8());
      Context written = c.await(before.putAsync("k", Context.EMPTY, "v1"));
      List<NodeId> all = List.of(NodeId.of("n0"), NodeId.of("n1"), NodeId.of("n2"));
      all.forEach(c::kill);
      all.forEach(id -> c.endpoints.put(id, Endpoint.of(id.value() + "-moved", 7001)));
      all.forEach(id -> c.start(id, true));
      c.awaitCondition(() -> all.stream().allMatch(n -> all.stream().allMatch(m ->
          c.membershipOf(n).endpointOf(m).orElseThrow().equals(c.endpoints.get(m)))), Duration.ofMinutes(1));
      Store<String> after = c.node("n2").store("s", Codec.utf8());
      assertThat(c.await(after.getAsync("k")).values()).containsExactly("v1");
      c.await(after.putAsync("k", written, "v2"));
      assertThat(c.await(c.node("n1").store("s", Codec.utf8()).getAsync("k")).values()).containsExactly("v2");
    }
  }

  @Test
  void aRestartedNodeRejoinsWithItsDataAndTheRingUnchanged() {
    try (MembershipCluster c = new MembershipCluster(16, 4)) {
      MembershipCluster.Writers writers = c.new Writers().start(2);
      c.pass(Duration.ofSeconds(5));
      c.join(JOINER.value());
      c.awaitCondition(() -> c.agree() && c.ring().nodes().contains(JOINER), Duration.ofMinutes(2));
      long version = c.ring().version();
      c.kill(JOINER);
      c.pass(Duration.ofSeconds(5));
      // Restarted with only a seed: it finds its ring and status on its own disk.
      c.start(JOINER, false);
      c.pass(Duration.ofSeconds(20));
      writers.stop();
      c.awaitCondition(c::agree, Duration.ofMinutes(1));
      assertThat(c.ring().version()).isEqualTo(version);
      assertThat(c.statusOf(NodeId.of("n0"), JOINER)).isEqualTo(MemberStatus.UP);
      assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(c, writers);
    }
  }

  /**
   * Checks that every acknowledged key reads back through every node, and that each is held by
   * every one of its N replicas in the agreed ring. No anti-entropy runs first: the network loses
   * nothing here, so the transfers and the writes to new owners alone must have put every key in
   * place.
   */
  private static void assertEveryAcknowledgedWriteIsReadableAndOnItsReplicas(MembershipCluster c,
      MembershipCluster.Writers writers) {
    c.pass(Duration.ofSeconds(3));
    assertThat(writers.acknowledged).hasSizeGreaterThan(100);
    Ring ring = c.ring();
    List<String> lost = new ArrayList<>();
    List<String> misplaced = new ArrayList<>();
    List<DynamoNode> nodes = new ArrayList<>(c.running.values());
    int i = 0;
    for (String key : writers.acknowledged) {
      Store<String> store = nodes.get(i++ % nodes.size()).store(MembershipCluster.STORE, Codec.utf8());
      GetResult<String> read = c.await(store.getAsync(key));
      if (!read.values().contains(key)) {
        lost.add(key);
      }
      for (NodeId replica : ring.preferenceList(key.getBytes(StandardCharsets.UTF_8), 3).primaries()) {
        if (!c.holds(replica, key)) {
          misplaced.add(key + "@" + replica);
        }
      }
    }
    assertThat(lost).as("acknowledged writes lost").isEmpty();
    assertThat(misplaced).as("replicas missing").isEmpty();
    Set<NodeId> owners = new TreeSet<>(ring.nodes());
    assertThat(owners).isEqualTo(new TreeSet<>(c.running.keySet()));
  }
}
