package io.dynamokv.examples.node;

import static io.dynamokv.examples.node.NodeProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.testkit.Checkers;
import io.dynamokv.testkit.History;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jepsen-style chaos with real processes: five standalone nodes (RocksDB with fsync, Netty on
 * loopback), three clients (two adding unique elements to two sets by read-merge-write with the
 * read's context, one writing unique keys), and a seeded fault schedule, one fault at a time:
 * SIGKILL and restart, SIGSTOP and SIGCONT, a partition that isolates one node, and one that cuts
 * a minority of two from the other three, through which the clients keep writing, keys with no
 * primary on that side included (partitions are made with the nodes' own transport fault switch,
 * both ways; no root or network namespace needed). Then
 * everything heals, anti-entropy runs until a pass finds nothing to repair, and the set and
 * unique-key checkers run on reads of all three replicas.
 *
 * <p>{@code -Dchaos.seconds} (40 by default; the soak profile runs 600) bounds the faults;
 * {@code -Dchaos.seed} replays a schedule.
 */
class ChaosIT {

  private static final List<String> NODES = List.of("a", "b", "c", "d", "e");
  private static final List<String> SETS = List.of("set-a", "set-b");

  @TempDir
  Path dir;

  @Test
  void faultsLoseNoAcknowledgedWriteAndReplicasConverge() throws Exception {
    long seed = Long.getLong("chaos.seed", System.nanoTime() % 100_000);
    long seconds = Long.getLong("chaos.seconds", 40);
    System.out.printf("chaos: seed %d (replay: -Dchaos.seed=%d), %d s of faults%n", seed, seed, seconds);
    SplittableRandom random = new SplittableRandom(seed);
    try (NodeProcesses nodes = new NodeProcesses(dir)) {
      nodes.reserve(NODES.toArray(String[]::new));
      for (String id : NODES) {
        nodes.start(id, NODES, List.of());
      }
      nodes.awaitServing(Duration.ofSeconds(90), NODES);

      Map<String, Boolean> available = new ConcurrentHashMap<>();
      NODES.forEach(n -> available.put(n, true));
      History history = new History();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        int client = c;
        Thread t = new Thread(() -> runClient(client, nodes, available, history, stop, new SplittableRandom(seed + client)),
            "client-" + c);
        t.start();
        clients.add(t);
      }

      // The fault schedule: one fault at a time, each undone before the next.
      int faults = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        Thread.sleep(1000 + random.nextInt(2000));
        String victim = NODES.get(random.nextInt(NODES.size()));
        long hold = 2000 + random.nextInt(3000);
        faults++;
        switch (random.nextInt(4)) {
          case 0 -> {
            System.out.printf("chaos: SIGKILL %s for %d ms%n", victim, hold);
            available.put(victim, false);
            nodes.signal(victim, "KILL");
            nodes.process(victim).waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(hold);
            nodes.start(victim, NODES, List.of());
            await(victim + " to serve after restart", Duration.ofSeconds(60), () -> nodes.status(victim).isPresent());
            available.put(victim, true);
          }
          case 1 -> {
            System.out.printf("chaos: SIGSTOP %s for %d ms%n", victim, hold);
            available.put(victim, false);
            nodes.signal(victim, "STOP");
            Thread.sleep(hold);
            nodes.signal(victim, "CONT");
            available.put(victim, true);
          }
          case 2 -> {
            System.out.printf("chaos: partition %s from the others for %d ms%n", victim, hold);
            partition(nodes, List.of(victim), hold);
          }
          default -> {
            int at = NODES.indexOf(victim);
            List<String> minority = List.of(victim, NODES.get((at + 1 + random.nextInt(NODES.size() - 1)) % NODES.size()));
            System.out.printf("chaos: partition the minority %s from the others for %d ms%n", minority, hold);
            partition(nodes, minority, hold);
          }
        }
      }
      stop.set(true);
      for (Thread t : clients) {
        t.join(30_000);
      }

      // Heal: every node up and unblocked; anti-entropy until a pass everywhere finds nothing.
      for (String n : NODES) {
        nodes.call("POST", n, "/faults/heal", "");
      }
      long healed = System.nanoTime();
      int[] passes = {0};
      await("a full anti-entropy pass to find every replica in sync", Duration.ofSeconds(120), () -> {
        passes[0]++;
        int differing = 0;
        for (String n : NODES) {
          differing += nodes.repair(n).orElse(1);
        }
        return differing == 0;
      });
      long convergedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);

      List<String> violations = new ArrayList<>();
      for (String set : SETS) {
        List<String> found = union(nodes.read("a", "sets", set, 3).orElseThrow().values());
        Checkers.SetResult r = Checkers.checkSet(history, set, found);
        if (!r.lost().isEmpty()) {
          violations.add("lost from " + set + ": " + r.lost());
        }
        if (!r.unexpected().isEmpty()) {
          violations.add("never written, found in " + set + ": " + r.unexpected());
        }
      }
      Map<String, List<String>> uniques = new HashMap<>();
      for (History.Op op : history.ops()) {
        if (op.kind().equals("write")) {
          uniques.put(op.key(), nodes.read("b", "uniques", op.key(), 3).map(NodeProcesses.Read::values).orElse(List.of()));
        }
      }
      Checkers.checkUniqueKeys(history, uniques).forEach(m -> violations.add("unique key lost: " + m));
      System.out.printf("chaos: seed %d, %d faults, %d operations (%d acknowledged, %d failed, %d indeterminate), "
              + "%d lost, converged %d ms after the heal (%d anti-entropy rounds)%n", seed, faults, history.ops().size(),
          history.count(History.Outcome.OK), history.count(History.Outcome.FAILED),
          history.count(History.Outcome.TIMED_OUT) + history.count(History.Outcome.INVOKED), violations.size(),
          convergedMillis, passes[0]);
      assertThat(history.count(History.Outcome.OK)).isGreaterThan(100);
      assertThat(violations).as("violations (replay with -Dchaos.seed=%d)", seed).isEmpty();
    }
  }

  /** Cuts {@code side} from the other nodes, both ways, for {@code holdMillis}, then heals. */
  private static void partition(NodeProcesses nodes, List<String> side, long holdMillis) throws InterruptedException {
    List<String> others = NODES.stream().filter(n -> !side.contains(n)).toList();
    for (String n : side) {
      nodes.call("POST", n, "/faults/block", others.stream().map(nodes::listen).collect(Collectors.joining(",")));
    }
    for (String o : others) {
      nodes.call("POST", o, "/faults/block", side.stream().map(nodes::listen).collect(Collectors.joining(",")));
    }
    Thread.sleep(holdMillis);
    for (String n : NODES) {
      nodes.call("POST", n, "/faults/heal", "");
    }
  }

  private static List<String> union(List<String> siblings) {
    return siblings.stream().flatMap(s -> Arrays.stream(s.split(","))).filter(e -> !e.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new)).stream().toList();
  }

  /** One client: clients 0 and 1 add to the sets by read-merge-write, client 2 writes unique keys. */
  private static void runClient(int client, NodeProcesses nodes, Map<String, Boolean> available, History history,
      AtomicBoolean stop, SplittableRandom random) {
    for (int i = 0; !stop.get(); i++) {
      List<String> up = NODES.stream().filter(available::get).toList();
      if (up.isEmpty()) {
        continue;
      }
      String via = up.get(random.nextInt(up.size()));
      if (client == 2) {
        String key = "u" + i;
        History.Op op = history.invoke(client, "write", key, "v" + i);
        record(op, nodes.write(via, "uniques", key, "v" + i, Optional.empty()));
        continue;
      }
      String set = SETS.get(random.nextInt(SETS.size()));
      String element = "c" + client + "e" + i;
      History.Op op = history.invoke(client, "add", set, element);
      Optional<NodeProcesses.Read> read = nodes.read(via, "sets", set, 2);
      if (read.isEmpty()) {
        op.failed(); // nothing was written
        continue;
      }
      List<String> merged = new ArrayList<>(union(read.get().values()));
      merged.add(element);
      record(op, nodes.write(via, "sets", set, String.join(",", merged), Optional.of(read.get().context())));
    }
  }

  /** 200: acknowledged; 503 (too few replicas) or no answer: it may or may not have been written. */
  private static void record(History.Op op, Optional<Integer> status) {
    if (status.isPresent() && status.get() == 200) {
      op.ok();
    } else if (status.isPresent() && status.get() == 400) {
      op.failed();
    } else {
      op.timedOut();
    }
  }
}
