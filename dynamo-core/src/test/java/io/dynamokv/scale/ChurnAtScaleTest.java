package io.dynamokv.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import io.dynamokv.ReadOptions;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.testkit.Checkers;
import io.dynamokv.testkit.History;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Issue #28: a rolling restart of every node, and a wave of joins (a tenth of the cluster again),
 * while a client writes unique keys through random nodes: how long until the ring settles, and
 * no acknowledged write lost. The default suite runs 30 nodes; the soak profile 1,000 (900 and 100
 * joining) through {@code -Dscale.churn.nodes}.
 */
class ChurnAtScaleTest {

  static final String STORE = "churn";

  @Test
  void aRollingRestartAndAWaveOfJoinsLoseNoAcknowledgedWrite() {
    int total = Integer.getInteger("scale.churn.nodes", 30);
    int founders = total - total / 10;
    int joiners = total / 10;
    long realStart = System.nanoTime();
    try (ScaleCluster c = new ScaleCluster(2806 + total, founders, ScaleReportTest.recommendedPartitions(total),
        Duration.ofHours(1))) {
      c.timeUntil(c::ringSettled, Duration.ofMinutes(5));
      Writer writer = new Writer(c);
      writer.start();

      // Rolling restart: a hundredth of the nodes at a time (at least one), a batch every 2 s.
      int batch = Math.max(1, founders / 100);
      long restartStart = c.sim.clock().nanoTime();
      List<NodeId> ids = new ArrayList<>(c.running.keySet());
      for (int i = 0; i < ids.size(); i += batch) {
        List<NodeId> now = ids.subList(i, Math.min(ids.size(), i + batch));
        now.forEach(c::kill);
        c.sim.runFor(Duration.ofMillis(500));
        now.forEach(id -> c.start(id, true));
        c.sim.runFor(Duration.ofMillis(1500));
      }
      Duration restartSettle = c.timeUntil(() -> c.ringSettled() && ids.stream().allMatch(c::noneSuspect),
          Duration.ofMinutes(10));
      double restartSeconds = (c.sim.clock().nanoTime() - restartStart) / 1e9;

      // A wave of joins, all at once.
      long joinStart = c.sim.clock().nanoTime();
      List<NodeId> joined = new ArrayList<>();
      for (int j = 0; j < joiners; j++) {
        NodeId id = NodeId.of("j" + j);
        joined.add(id);
        c.start(id, false);
      }
      c.timeUntil(() -> c.ringSettled() && joined.stream().allMatch(id -> c.allSee(id, MemberStatus.UP)),
          Duration.ofMinutes(30));
      double joinSeconds = (c.sim.clock().nanoTime() - joinStart) / 1e9;
      writer.stop();
      c.sim.runFor(Duration.ofSeconds(10)); // writes in flight end; hints are delivered

      Map<String, List<String>> found = writer.readAll();
      List<String> lost = Checkers.checkUniqueKeys(writer.history, found);
      System.out.printf("churn of %d nodes (Q=%d): rolling restart of %d in batches of %d took %.0f s, then "
              + "%.0f s to settle; %d joining took %.0f s to be UP in a committed ring; %d writes acknowledged, "
              + "%d failed, %d lost; %.0f s real%n", total, c.partitions, founders, batch, restartSeconds,
          restartSettle.toMillis() / 1000.0, joiners, joinSeconds, writer.acknowledged, writer.failed, lost.size(),
          (System.nanoTime() - realStart) / 1e9);
      assertThat(lost).as("acknowledged writes lost").isEmpty();
      assertThat(writer.acknowledged).isGreaterThan(100);
    }
  }

  /** Writes a new key every 20 ms of virtual time through a random running node. */
  private static final class Writer {
    final History history = new History();
    final ScaleCluster c;
    final RandomGenerator random;
    int next;
    int acknowledged;
    int failed;
    boolean stopped;

    Writer(ScaleCluster c) {
      this.c = c;
      this.random = c.sim.newRandom();
    }

    void start() {
      c.sim.scheduler().schedule(Duration.ofMillis(20), this::write);
    }

    void stop() {
      stopped = true;
    }

    void write() {
      if (stopped) {
        return;
      }
      List<DynamoNode> nodes = new ArrayList<>(c.running.values());
      DynamoNode node = nodes.get(random.nextInt(nodes.size()));
      String key = "k" + next++;
      History.Op op = history.invoke(0, "write", key, "v-" + key);
      try {
        node.store(STORE, Codec.utf8()).putAsync(key, Context.EMPTY, op.value()).whenComplete((ctx, failure) -> {
          if (failure == null) {
            op.ok();
            acknowledged++;
          } else {
            op.failed();
            failed++;
          }
        });
      } catch (RuntimeException e) {
        op.failed(); // the node is closing
        failed++;
      }
      c.sim.scheduler().schedule(Duration.ofMillis(20), this::write);
    }

    /** Reads every key written, R = N, through the first running node. */
    Map<String, List<String>> readAll() {
      DynamoNode reader = c.running.values().iterator().next();
      Map<String, List<String>> found = new HashMap<>();
      for (int i = 0; i < next; i++) {
        String key = "k" + i;
        found.put(key, c.sim.await(reader.store(STORE, Codec.utf8()).getAsync(key, ReadOptions.defaults().withR(3)),
            Duration.ofMinutes(1)).values());
      }
      return found;
    }
  }
}
