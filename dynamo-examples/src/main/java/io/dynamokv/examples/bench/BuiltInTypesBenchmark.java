package io.dynamokv.examples.bench;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.CounterStore;
import io.dynamokv.DynamoNode;
import io.dynamokv.SetStore;
import io.dynamokv.Store;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.storage.rocksdb.Durability;
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
 * loopback, N=3 W=2), in one run: the cost of one add as a set grows (time, and the bytes the
 * nodes received and wrote for it), and of reading the whole set; then phases of blind puts of
 * 100 B values to new keys (the baseline), counter increments and set adds (a new element each)
 * on 10,000 keys, in turn, each round.
 *
 * <pre>
 * java -cp dynamo-examples/target/dynamo-node.jar io.dynamokv.examples.bench.BuiltInTypesBenchmark \
 *   [--seconds 8] [--warmup 5] [--inflight 64] [--rounds 2] [--sizes 0,1000,10000,100000]
 * </pre>
 */
public final class BuiltInTypesBenchmark {

  private int seconds = 8;
  private int warmup = 5;
  private int inFlight = 64;
  private int rounds = 2;
  private List<Integer> sizes = List.of(0, 1_000, 10_000, 100_000);

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
    // First, before the nodes' first anti-entropy round (a minute after start), whose Merkle
    // exchanges would add to the bytes counted.
    growingSet(nodes);
    System.out.println();
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

  }

  /**
   * Grows one set to each of the sizes, and at each times 500 adds one at a time, with the bytes
   * the three nodes received and wrote for them (summed over the nodes, from their metrics), and
   * one read of the whole set.
   */
  private void growingSet(List<DynamoNode> nodes) {
    List<SetStore<String>> sets = nodes.stream().map(n -> n.sets("grown", Codec.utf8())).toList();
    SetStore<String> set = sets.get(0);
    System.out.printf(Locale.ROOT, "%-10s %10s %10s %10s %12s %12s %12s%n", "set size", "add p50 us", "add p99 us",
        "p99.9 us", "recv B/add", "wrote B/add", "read ms");
    int held = 0;
    int timed = 500;
    // Every add is a write at each of the three replicas; W = 2 does not wait for the third. Each
    // add is of a new element (a key of its own): the storage counts each such write once.
    long writes = storageWrites(nodes) + 3L * (5_000 + 500);
    List<CompletableFuture<Void>> warm = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) { // the code paths compiled before the first size is timed
      warm.add(sets.get(i % 3).addAsync("warm-up", "w" + i));
      if (warm.size() == 64) {
        CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).join();
        warm.clear();
      }
    }
    CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).join();
    for (int i = 0; i < 500; i++) {
      set.add("warm-up", "one at a time " + i);
    }
    for (int size : sizes) {
      writes += 3L * Math.max(0, size - held);
      List<CompletableFuture<Void>> batch = new ArrayList<>();
      long grown = System.nanoTime();
      while (held < size) {
        batch.add(sets.get(held % 3).addAsync("big", "g" + held++));
        if (batch.size() == 64) {
          CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
          batch.clear();
        }
        if (held % 20_000 == 0) {
          System.out.printf(Locale.ROOT, "  growing the set: %,d of %,d elements, %.1f s%n", held, size,
              (System.nanoTime() - grown) / 1e9);
        }
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
      awaitStorageWrites(nodes, writes); // the growth's last writes land before the counters are read
      long received = total(nodes, "transport.bytes.received");
      long wrote = total(nodes, "storage.bytes.written");
      org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
      for (int i = 0; i < timed; i++) {
        long start = System.nanoTime();
        set.add("big", "m" + size + "-" + i);
        h.recordValue((System.nanoTime() - start) / 1000);
      }
      writes += 3L * timed;
      awaitStorageWrites(nodes, writes);
      long receivedPerAdd = (total(nodes, "transport.bytes.received") - received) / timed;
      long wrotePerAdd = (total(nodes, "storage.bytes.written") - wrote) / timed;
      held += timed;
      long readStart = System.nanoTime();
      int read = set.get("big").elements().size();
      double readMillis = (System.nanoTime() - readStart) / 1e6;
      if (read != held) {
        throw new IllegalStateException("the set read " + read + " elements (expected: " + held + ")");
      }
      System.out.printf(Locale.ROOT, "%-10d %10d %10d %10d %12d %12d %12.1f%n", held, h.getValueAtPercentile(50),
          h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), receivedPerAdd, wrotePerAdd, readMillis);
    }
  }

  private static long total(List<DynamoNode> nodes, String metric) {
    return nodes.stream().mapToLong(n -> n.metrics().getOrDefault(metric, 0L)).sum();
  }

  /** The updates the nodes' storage engines applied: each replica's write of each add. */
  private static long storageWrites(List<DynamoNode> nodes) {
    return total(nodes, "storage.update.cache.hits") + total(nodes, "storage.update.cache.misses");
  }

  /** Waits, up to 10 s, until the nodes' storage engines have applied {@code expected} updates. */
  private static void awaitStorageWrites(List<DynamoNode> nodes, long expected) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (storageWrites(nodes) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the nodes applied " + storageWrites(nodes) + " updates in 10 s (expected: "
            + expected + ")");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }
}
