package io.dynamokv.examples.bench;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.CounterStore;
import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import io.dynamokv.SetStore;
import io.dynamokv.Store;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.storage.rocksdb.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in types against plain puts, on three nodes in this JVM (RocksDB with fsync, Netty on
 * loopback, N=3 W=2), in one run: phases of blind puts of 100 B values to new keys (the
 * baseline), counter increments and set adds (a new element each) on 10,000 keys, in turn, each
 * round; then the cost of one add as a set grows (time, and the bytes of the state it writes and
 * replicates).
 *
 * <pre>
 * java -cp dynamo-examples/target/dynamo-node.jar io.dynamokv.examples.bench.BuiltInTypesBenchmark \
 *   [--seconds 8] [--warmup 5] [--inflight 64] [--rounds 2] [--sizes 0,1000,10000]
 * </pre>
 */
public final class BuiltInTypesBenchmark {

  private int seconds = 8;
  private int warmup = 5;
  private int inFlight = 64;
  private int rounds = 2;
  private List<Integer> sizes = List.of(0, 1_000, 10_000);

  private BuiltInTypesBenchmark() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    BuiltInTypesBenchmark b = new BuiltInTypesBenchmark();
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--seconds" -> b.seconds = Integer.parseInt(v);
        case "--warmup" -> b.warmup = Integer.parseInt(v);
        case "--inflight" -> b.inFlight = Integer.parseInt(v);
        case "--rounds" -> b.rounds = Integer.parseInt(v);
        case "--sizes" -> b.sizes = java.util.Arrays.stream(v.split(",")).map(Integer::parseInt).toList();
        default -> throw new IllegalArgumentException("argument : " + args[i]
            + " (expected: --seconds, --warmup, --inflight, --rounds or --sizes)");
      }
    }
    Path dir = Files.createTempDirectory("dynamo-builtin-bench");
    try (LocalCluster cluster = new LocalCluster(dir, 3, Duration.ofSeconds(2), Durability.SYNC, false)) {
      b.run(cluster);
    }
    System.exit(0);
  }

  private void run(LocalCluster cluster) throws Exception {
    List<DynamoNode> nodes = cluster.nodes().stream().map(cluster::node).toList();
    List<Store<byte[]>> plain = nodes.stream().map(n -> n.store("plain", Codec.bytes())).toList();
    List<CounterStore> counters = nodes.stream().map(n -> n.counters("hits")).toList();
    List<SetStore<String>> sets = nodes.stream().map(n -> n.sets("tags", Codec.utf8())).toList();
    byte[] value = new byte[100];
    AtomicLong next = new AtomicLong();
    Duration w = Duration.ofSeconds(warmup);
    Duration d = Duration.ofSeconds(seconds);
    List<LatencyReport> puts = new ArrayList<>();
    List<LatencyReport> increments = new ArrayList<>();
    List<LatencyReport> adds = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      puts.add(ClosedLoop.run("plain put (new key)", inFlight, w, d, () -> {
        long i = next.incrementAndGet();
        return plain.get((int) (i % 3)).putAsync("k" + i, Context.EMPTY, value);
      }));
      increments.add(ClosedLoop.run("counter increment", inFlight, w, d, () -> {
        long i = next.incrementAndGet();
        return counters.get((int) (i % 3)).incrementAsync("c" + (i * 7919 % 10_000), 1);
      }));
      adds.add(ClosedLoop.run("set add", inFlight, w, d, () -> {
        long i = next.incrementAndGet();
        return sets.get((int) (i % 3)).addAsync("s" + (i * 7919 % 10_000), "e" + i);
      }));
      System.out.printf(Locale.ROOT, "round %d: increment / put = %.2f, set add / put = %.2f%n", r,
          increments.get(r - 1).opsPerSecond() / puts.get(r - 1).opsPerSecond(),
          adds.get(r - 1).opsPerSecond() / puts.get(r - 1).opsPerSecond());
    }
    System.out.println();
    System.out.println(LatencyReport.header());
    for (List<LatencyReport> phase : List.of(puts, increments, adds)) {
      System.out.println(LatencyReport.pooled(phase).row());
    }
    System.out.println();
    growingSet(cluster, nodes.get(0).sets("grown", Codec.utf8()));
  }

  /** Adds to one set until it holds each of the sizes, and measures 200 adds at each. */
  private void growingSet(LocalCluster cluster, SetStore<String> set) throws Exception {
    NodeId first = cluster.nodes().get(0);
    StorageKey key = cluster.keySpace().storageKey("grown", "big".getBytes(StandardCharsets.UTF_8));
    System.out.printf(Locale.ROOT, "%-12s %14s %14s %18s%n", "set size", "add p50 us", "add p99 us", "state bytes/add");
    int held = 0;
    for (int size : sizes) {
      List<CompletableFuture<Void>> batch = new ArrayList<>();
      while (held < size) {
        batch.add(set.addAsync("big", "g" + held++));
        if (batch.size() == 32) {
          CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
          batch.clear();
        }
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
      org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
      for (int i = 0; i < 200; i++) {
        long start = System.nanoTime();
        set.add("big", "m" + size + "-" + i);
        h.recordValue((System.nanoTime() - start) / 1000);
      }
      held += 200;
      long bytes = cluster.storage(first).get(key).map(BuiltInTypesBenchmark::valueBytes).orElse(0L);
      System.out.printf(Locale.ROOT, "%-12d %14d %14d %18d%n", size, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
          bytes);
    }
  }

  private static long valueBytes(VersionSet versions) {
    long n = 0;
    for (var s : versions.values()) {
      n += s.valueLength();
    }
    return n;
  }
}
