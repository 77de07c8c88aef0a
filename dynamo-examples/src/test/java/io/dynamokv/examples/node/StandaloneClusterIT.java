package io.dynamokv.examples.node;

import static io.dynamokv.examples.node.NodeProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standalone node processes (RocksDB, Netty, loopback) under a steady write load: three found a
 * cluster, a fourth joins, one is paused with SIGSTOP (the others notice, then see it again after
 * SIGCONT), one is decommissioned (its process exits once it has left), and the joiner is killed,
 * wiped and restarted (it rejoins under a new incarnation and takes writes). Then replicas
 * converge (an anti-entropy round on every node finds nothing to repair) and every acknowledged
 * write is readable.
 */
class StandaloneClusterIT {

  @TempDir
  Path dir;

  @Test
  void joinPauseLeaveAndWipeUnderWritesLoseNothing() throws Exception {
    try (NodeProcesses nodes = new NodeProcesses(dir)) {
      nodes.reserve("a", "b", "c", "d");
      List<String> founders = List.of("a", "b", "c");
      for (String id : founders) {
        nodes.start(id, founders, List.of());
      }
      nodes.awaitServing(Duration.ofSeconds(60), founders);

      List<String> targets = new CopyOnWriteArrayList<>(founders);
      Writers writers = new Writers(nodes, targets);
      writers.start();
      await("some writes", Duration.ofSeconds(30), () -> writers.acknowledged.size() > 50);
      // An operator sees the disk's work in /status: the RocksDB engine's fsyncs (the nodes run with sync).
      assertThat(nodes.status("a").orElseThrow().get("metrics").get("storage.wal.syncs").asLong()).isPositive();

      // A fourth node joins through a seed while writes go on. It is started as in production, so
      // it has no fault switch: the admin interface does not serve one.
      nodes.start("d", List.of(), List.of("a"), false);
      await("d to be UP and own partitions in everyone's view", Duration.ofSeconds(90), () ->
          founders.stream().allMatch(v -> nodes.member(v, "d")
              .map(m -> m.get("status").asText().equals("UP") && m.get("partitionsOwned").asInt() > 0).orElse(false)));
      targets.add("d");
      assertThat(nodes.call("POST", "d", "/faults/block", nodes.listen("a")).orElseThrow().statusCode()).isEqualTo(404);
      assertThat(nodes.call("POST", "a", "/faults/heal", "").orElseThrow().statusCode()).isEqualTo(200);

      // SIGSTOP: the others believe b down without asking it anything; SIGCONT: up again.
      targets.remove("b");
      nodes.signal("b", "STOP");
      long paused = System.nanoTime();
      await("a to see the paused b as unreachable", Duration.ofSeconds(60),
          () -> nodes.member("a", "b").map(m -> !m.get("reachable").asBoolean()).orElse(false));
      long detectedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - paused);
      nodes.signal("b", "CONT");
      await("a to see b again", Duration.ofSeconds(60),
          () -> nodes.member("a", "b").map(m -> m.get("reachable").asBoolean()).orElse(false));
      targets.add("b");

      // c decommissions itself: its partitions move, it becomes LEFT, its process exits.
      targets.remove("c");
      assertThat(nodes.call("POST", "c", "/leave", "").orElseThrow().statusCode()).isEqualTo(200);
      assertThat(nodes.process("c").waitFor(90, TimeUnit.SECONDS)).as("c exits after leaving").isTrue();
      await("a to see c LEFT", Duration.ofSeconds(30),
          () -> nodes.member("a", "c").map(m -> m.get("status").asText().equals("LEFT")).orElse(false));

      // d dies and loses its disk; restarted with a seed, it rejoins as a new incarnation.
      targets.remove("d");
      nodes.signal("d", "KILL");
      nodes.process("d").waitFor(30, TimeUnit.SECONDS);
      nodes.wipe("d");
      nodes.start("d", List.of(), List.of("a"));
      await("d to serve again", Duration.ofSeconds(60), () -> nodes.member("d", "d")
          .map(m -> m.get("status").asText().equals("UP")).orElse(false));
      assertThat(nodes.put("d", "after-wipe", "new")).isTrue();
      await("the write through the wiped node to be readable", Duration.ofSeconds(10),
          () -> nodes.get("a", "after-wipe").map(v -> v.equals(List.of("new"))).orElse(false));
      targets.add("d");

      int before = writers.acknowledged.size();
      await("more writes after the changes", Duration.ofSeconds(30), () -> writers.acknowledged.size() > before + 50);
      writers.stop();

      // Every partition's replicas in the final ring hold the same data: a full anti-entropy
      // round finds no differing segment. With every key readable, each is on all N replicas.
      List<String> live = List.of("a", "b", "d");
      await("replicas in sync", Duration.ofSeconds(120), () ->
          live.stream().mapToInt(n -> nodes.repair(n).orElse(1)).sum() == 0);

      List<String> lost = new ArrayList<>();
      for (String key : writers.acknowledged) {
        Optional<List<String>> read = nodes.get("a", key);
        if (read.isEmpty()) {
          read = nodes.get("b", key);
        }
        if (read.isEmpty() || !read.get().contains(key)) {
          lost.add(key + " -> " + read);
        }
      }
      System.out.printf("standalone cluster: %d writes acknowledged, %d failed, %d lost; SIGSTOP detected after %d ms%n",
          writers.acknowledged.size(), writers.failed.get(), lost.size(), detectedMillis);
      assertThat(lost).as("acknowledged writes not readable").isEmpty();

      // SIGTERM: a graceful stop.
      nodes.process("a").destroy();
      assertThat(nodes.process("a").waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(nodes.log("a")).contains("node a: stopped");
    }
  }

  /** Two client threads writing unique keys through the nodes in {@code targets}. */
  private static final class Writers {
    final Set<String> acknowledged = new ConcurrentSkipListSet<>();
    final AtomicInteger failed = new AtomicInteger();
    private final NodeProcesses nodes;
    private final List<String> targets;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger next = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    Writers(NodeProcesses nodes, List<String> targets) {
      this.nodes = nodes;
      this.targets = targets;
    }

    void start() {
      for (int t = 0; t < 2; t++) {
        Thread thread = new Thread(() -> {
          while (!stopped.get()) {
            int i = next.getAndIncrement();
            String key = "key-" + i;
            List<String> now = List.copyOf(targets);
            if (nodes.put(now.get(i % now.size()), key, key)) {
              acknowledged.add(key);
            } else {
              failed.incrementAndGet();
            }
          }
        }, "writer-" + t);
        thread.start();
        threads.add(thread);
      }
    }

    void stop() throws InterruptedException {
      stopped.set(true);
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
  }
}
