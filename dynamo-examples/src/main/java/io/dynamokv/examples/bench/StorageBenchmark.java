package io.dynamokv.examples.bench;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.storage.rocksdb.Durability;
import io.dynamokv.storage.rocksdb.RocksDbConfig;
import io.dynamokv.storage.rocksdb.RocksDbStorageEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.rocksdb.RocksDB;

/**
 * Measures the RocksDB storage engine against raw rocksdbjni in one run, on the same machine,
 * with the same key and value sizes and the same RocksDB options:
 *
 * <ol>
 *   <li>raw RocksDB puts, then the engine's puts (ASYNC), {@code --keys} of each;
 *   <li>raw random gets, then the engine's random gets;
 *   <li>the engine with {@code --writers} concurrent writers, ASYNC and then SYNC (group commit).
 * </ol>
 *
 * <p>Prints throughput and p50/p99/p99.9/max latency per phase, and the ratios the storage issue
 * sets targets for. Run: {@code mvn -B -q -DskipTests package exec:java -pl dynamo-examples -am
 * -Ddemo.main=io.dynamokv.examples.bench.StorageBenchmark -Dexec.args="--keys 1000000"}.
 */
public final class StorageBenchmark {

  private static final int KEY_BYTES = 16;
  private static final String STORE = "bench";
  private static final KeySpace KEY_SPACE = new KeySpace(256);
  private static final ActorId ACTOR = ActorId.of(NodeId.of("bench"), 1);

  private final int keys;
  private final int valueBytes;
  private final int writers;
  private final int concurrentWrites;
  private final Path root;
  private final byte[][] keyBytes;
  private final byte[] value;

  private StorageBenchmark(int keys, int valueBytes, int writers, int concurrentWrites) throws IOException {
    this.keys = keys;
    this.valueBytes = valueBytes;
    this.writers = writers;
    this.concurrentWrites = concurrentWrites;
    this.root = Files.createTempDirectory("dynamo-storage-bench");
    // Random keys, as a real workload has: sequential keys would hand raw RocksDB its best case
    // (appends to the memtable, SST files that never overlap) and measure that, not the engine.
    this.keyBytes = new byte[keys][];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = new byte[KEY_BYTES];
      random.nextBytes(keyBytes[i]);
    }
    this.value = new byte[valueBytes];
    new SplittableRandom(1).nextBytes(value);
  }

  public static void main(String[] args) throws Exception {
    int keys = 1_000_000;
    int valueBytes = 100;
    int writers = 64;
    int concurrentWrites = 200_000;
    for (int i = 0; i < args.length; i += 2) {
      String v = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--keys" -> keys = Integer.parseInt(v);
        case "--value-bytes" -> valueBytes = Integer.parseInt(v);
        case "--writers" -> writers = Integer.parseInt(v);
        case "--concurrent-writes" -> concurrentWrites = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (expected: --keys N, --value-bytes N, --writers N, --concurrent-writes N)");
      }
    }
    new StorageBenchmark(keys, valueBytes, writers, concurrentWrites).run();
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "storage benchmark: %d random keys of %d bytes, values of %d bytes, %d cores, data in %s%n",
        keys, KEY_BYTES, valueBytes, Runtime.getRuntime().availableProcessors(), root);
    List<LatencyReport> reports = new ArrayList<>();
    try {
      LatencyReport[] raw = rawRocksDb(root.resolve("raw"));
      LatencyReport[] engine = engine(root.resolve("engine"));
      LatencyReport async = concurrentPuts(root.resolve("async"), Durability.ASYNC);
      LatencyReport sync = concurrentPuts(root.resolve("sync"), Durability.SYNC);
      reports.addAll(List.of(raw[0], engine[0], raw[1], engine[1], async, sync));
      System.out.println();
      System.out.println(LatencyReport.header());
      reports.forEach(r -> System.out.println(r.row()));
      System.out.println();
      System.out.printf(Locale.ROOT, "engine puts / raw puts           = %.2f (target >= 0.60)%n",
          engine[0].opsPerSecond() / raw[0].opsPerSecond());
      System.out.printf(Locale.ROOT, "engine gets / raw gets           = %.2f (target >= 0.70)%n",
          engine[1].opsPerSecond() / raw[1].opsPerSecond());
      System.out.printf(Locale.ROOT, "SYNC puts / ASYNC puts, %d writers = %.2f (target >= 0.40)%n",
          writers, sync.opsPerSecond() / async.opsPerSecond());
    } finally {
      deleteRecursively(root);
    }
  }

  /** Raw rocksdbjni with the engine's options: puts of every key, then random gets. */
  private LatencyReport[] rawRocksDb(Path dir) throws Exception {
    try (RawRocksDb raw = new RawRocksDb(dir, false)) {
      RocksDB db = raw.db;
      LatencyReport puts = measure("raw RocksDB put", keys, i -> db.put(raw.write, keyBytes[i], value));
      SplittableRandom random = new SplittableRandom(7);
      LatencyReport gets = measure("raw RocksDB random get", keys, i -> {
        if (db.get(keyBytes[random.nextInt(keys)]) == null) {
          throw new IllegalStateException("a key written is missing");
        }
      });
      return new LatencyReport[] {puts, gets};
    }
  }

  /** The engine (ASYNC): a new version of every key, then random gets that decode the version set. */
  private LatencyReport[] engine(Path dir) throws Exception {
    StorageKey[] storageKeys = new StorageKey[keys];
    for (int i = 0; i < keys; i++) {
      storageKeys[i] = KEY_SPACE.storageKey(STORE, keyBytes[i]);
    }
    try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(
        RocksDbConfig.newBuilder(dir).durability(Durability.ASYNC).build())) {
      LatencyReport puts = measure("engine put (ASYNC)", keys, i ->
          engine.update(storageKeys[i], v -> v.put(v.context(), ACTOR, value, 1)).join());
      SplittableRandom random = new SplittableRandom(7);
      LatencyReport gets = measure("engine random get", keys, i -> {
        if (engine.get(storageKeys[random.nextInt(keys)]).isEmpty()) {
          throw new IllegalStateException("a key written is missing");
        }
      });
      return new LatencyReport[] {puts, gets};
    }
  }

  /** {@code writers} threads putting distinct keys at once; with SYNC, group commit shares fsyncs. */
  private LatencyReport concurrentPuts(Path dir, Durability durability) throws Exception {
    try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(
        RocksDbConfig.newBuilder(dir).durability(durability).build())) {
      int perWriter = concurrentWrites / writers;
      Histogram histogram = new Histogram(3);
      AtomicLong done = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      List<Histogram> perThread = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        Histogram h = new Histogram(3);
        perThread.add(h);
        int writer = w;
        Thread t = new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < perWriter; i++) {
              StorageKey key = KEY_SPACE.storageKey(STORE, keyBytes[(writer * perWriter + i) % keys]);
              long t0 = System.nanoTime();
              engine.update(key, v -> v.put(v.context(), ACTOR, value, 1)).join();
              h.recordValue(System.nanoTime() - t0);
              done.incrementAndGet();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "writer-" + w);
        threads.add(t);
        t.start();
      }
      String name = "engine put, " + writers + " writers (" + durability + ")";
      long t0 = System.nanoTime();
      start.countDown();
      Progress progress = new Progress(name, done, (long) perWriter * writers);
      for (Thread t : threads) {
        t.join();
      }
      long elapsed = System.nanoTime() - t0;
      progress.stop();
      perThread.forEach(histogram::add);
      if (durability == Durability.SYNC) {
        System.out.printf(Locale.ROOT, "  %s: %d writes shared %d fsyncs (%.1f writes per fsync)%n", name,
            done.get(), engine.walSyncCount(), (double) done.get() / Math.max(1, engine.walSyncCount()));
      }
      return new LatencyReport(name, done.get(), elapsed, histogram);
    }
  }

  @FunctionalInterface
  private interface Op {
    void run(int i) throws Exception;
  }

  private static LatencyReport measure(String name, int count, Op op) throws Exception {
    Histogram histogram = new Histogram(3);
    AtomicLong done = new AtomicLong();
    Progress progress = new Progress(name, done, count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      op.run(i);
      histogram.recordValue(System.nanoTime() - t0);
      done.lazySet(i + 1);
    }
    long elapsed = System.nanoTime() - start;
    progress.stop();
    LatencyReport report = new LatencyReport(name, count, elapsed, histogram);
    System.out.printf(Locale.ROOT, "  done: %s%n", report.row());
    return report;
  }

  /** Prints how far a phase has got every two seconds. */
  private static final class Progress {
    private final Thread thread;

    Progress(String name, AtomicLong done, long total) {
      System.out.printf(Locale.ROOT, "%s: %d operations%n", name, total);
      thread = new Thread(() -> {
        long last = 0;
        while (!Thread.currentThread().isInterrupted()) {
          try {
            Thread.sleep(2000);
          } catch (InterruptedException e) {
            return;
          }
          long now = done.get();
          System.out.printf(Locale.ROOT, "  %s: %d / %d (%.0f ops/s)%n", name, now, total, (now - last) / 2.0);
          last = now;
        }
      }, "progress");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      thread.interrupt();
      thread.join();
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
