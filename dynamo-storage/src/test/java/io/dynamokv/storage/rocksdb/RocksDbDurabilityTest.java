package io.dynamokv.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.spi.CorruptValueException;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import io.dynamokv.spi.version.VersionVector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/** What only a durable engine must do: reopen, survive corruption, refuse a second open, group commit. */
class RocksDbDurabilityTest {

  private static final KeySpace KEY_SPACE = new KeySpace(8);
  private static final ActorId ACTOR = ActorId.of(NodeId.of("n1"), 1);

  @TempDir Path dir;

  private RocksDbStorageEngine open() {
    return RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir).blockCacheBytes(8 << 20).build());
  }

  private static StorageKey key(String k) {
    return KEY_SPACE.storageKey("carts", k.getBytes(StandardCharsets.UTF_8));
  }

  private static VersionSet put(RocksDbStorageEngine engine, StorageKey key, String value) {
    return engine.update(key, v -> v.put(v.context(), ACTOR, value.getBytes(StandardCharsets.UTF_8), 7)).join();
  }

  @Test
  void everythingSurvivesAReopenAndTheLeavesStillMatchTheData() {
    List<VersionSet> written = new ArrayList<>();
    try (RocksDbStorageEngine engine = open()) {
      for (int i = 0; i < 1000; i++) {
        written.add(put(engine, key("k" + i), "v" + i));
      }
      engine.putHint(NodeId.of("peer"), key("k1"), written.get(1)).join();
      engine.putMetadata("incarnation", new byte[] {4, 2}).join();
    }
    try (RocksDbStorageEngine engine = open()) {
      assertThat(engine.openedAfterCleanClose()).as("reopened after a clean close").isTrue();
      for (int i = 0; i < 1000; i++) {
        assertThat(engine.get(key("k" + i))).contains(written.get(i));
      }
      assertThat(engine.hints(NodeId.of("peer"), 10)).hasSize(1);
      assertThat(engine.getMetadata("incarnation")).hasValueSatisfying(v -> assertThat(v).containsExactly(4, 2));
      assertThat(engine.stores()).containsExactly("carts");
      for (int p = 0; p < KEY_SPACE.partitions(); p++) {
        long[] rebuilt = new long[KeySpace.SEGMENTS_PER_PARTITION];
        engine.scan(ScanRange.partition("carts", p), (k, v) -> {
          rebuilt[k.segment()] ^= SegmentDigest.of(k, VersionSetCodec.encode(v));
          return true;
        });
        assertThat(engine.merkleLeaves("carts", p)).as("saved and loaded leaves").isEqualTo(rebuilt);
        assertThat(engine.rebuildMerkleLeaves("carts", p)).as("leaves rebuilt on demand").isEqualTo(rebuilt);
      }
    }
  }

  @Test
  void incrementalLeavesEqualLeavesRebuiltFromAScanUnderChurn() {
    try (RocksDbStorageEngine engine = open()) {
      for (int i = 0; i < 3000; i++) {
        StorageKey k = key("k" + (i % 700));
        if (i % 5 == 4) {
          engine.update(k, v -> VersionSet.EMPTY).join();
        } else {
          put(engine, k, "v" + i);
        }
      }
      engine.dropPartition("carts", 2).join();
      for (int p = 0; p < KEY_SPACE.partitions(); p++) {
        long[] incremental = engine.merkleLeaves("carts", p);
        assertThat(engine.rebuildMerkleLeaves("carts", p)).as("partition %d", p).isEqualTo(incremental);
      }
      assertThat(engine.merkleLeaves("carts", 2)).containsOnly(0L);
    }
  }

  @Test
  void aCorruptValueIsNamedSkippedByScansAndReplacedByTheNextWrite() throws Exception {
    StorageKey bad = key("bad");
    StorageKey good = key("good");
    try (RocksDbStorageEngine engine = open()) {
      put(engine, bad, "x");
      put(engine, good, "y");
    }
    corruptValueOf(bad);
    try (RocksDbStorageEngine engine = open()) {
      assertThatThrownBy(() -> engine.get(bad))
          .isInstanceOf(CorruptValueException.class)
          .hasMessageContaining("carts/p" + bad.partition())
          .satisfies(e -> assertThat(((CorruptValueException) e).key()).isEqualTo(bad));
      assertThatThrownBy(() -> engine.getFromMemory(bad)).as("its block cached by the read: from memory, on an I/O thread")
          .isInstanceOf(CorruptValueException.class);
      assertThat(engine.get(good)).isPresent();
      List<StorageKey> scanned = new ArrayList<>();
      for (int p = 0; p < KEY_SPACE.partitions(); p++) {
        engine.scan(ScanRange.partition("carts", p), (k, v) -> scanned.add(k));
      }
      assertThat(scanned).containsExactly(good);
      // Read repair or anti-entropy writes a good set over it.
      VersionSet repaired = VersionSet.EMPTY.put(VersionVector.EMPTY, ACTOR, new byte[] {1}, 1);
      engine.update(bad, v -> v.merge(repaired)).join();
      assertThat(engine.get(bad)).contains(repaired);
    }
  }

  /** Overwrites the stored bytes of {@code key} with garbage, behind the engine's back. */
  private void corruptValueOf(StorageKey key) throws Exception {
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
    for (String cf : RocksDbStorageEngine.COLUMN_FAMILIES) {
      descriptors.add(new ColumnFamilyDescriptor(cf.getBytes(StandardCharsets.UTF_8)));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
         RocksDB db = RocksDB.open(options, dir.toString(), descriptors, handles)) {
      ColumnFamilyHandle data = handles.get(1);
      boolean found = false;
      try (RocksIterator it = db.newIterator(data)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          if (KeyLayout.decodeDataKey("carts", it.key(), 0).equals(key)) {
            db.put(data, it.key(), new byte[] {1, 5, (byte) 0xFF});
            found = true;
          }
        }
      }
      assertThat(found).as("the key to corrupt is stored").isTrue();
      handles.forEach(ColumnFamilyHandle::close);
    }
  }

  @Test
  void aSecondOpenOfAnOpenDirectoryFailsClearlyAndCloseReleasesIt() {
    RocksDbStorageEngine first = open();
    assertThatThrownBy(this::open)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("already open");
    put(first, key("k"), "v");
    first.close();
    first.close();
    try (RocksDbStorageEngine again = open()) {
      assertThat(again.get(key("k"))).isPresent();
    }
  }

  /** With SYNC, 64 concurrent writers share fsyncs even without a window: far fewer fsyncs than writes. */
  @Test
  void concurrentSyncWritesShareFsyncs() throws Exception {
    int writers = 64;
    int writesEach = 20;
    try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir)
        .blockCacheBytes(8 << 20).groupCommitWindow(java.time.Duration.ZERO).build())) {
      writeConcurrently(engine, writers, writesEach);
      long writes = (long) writers * writesEach;
      assertThat(engine.walSyncCount()).isPositive().isLessThanOrEqualTo(writes / 2);
    }
  }

  /**
   * Under concurrent writes the commit thread waits for more writes to join each fsync: with a
   * wide window, 64 writers' groups come near 64 writes each, where back-to-back fsyncs gathered
   * a few.
   */
  @Test
  void aWindowGathersConcurrentWritesIntoFewerFsyncs() throws Exception {
    int writers = 64;
    int writesEach = 20;
    try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir)
        .blockCacheBytes(8 << 20).groupCommitWindow(java.time.Duration.ofMillis(50)).build())) {
      writeConcurrently(engine, writers, writesEach);
      long writes = (long) writers * writesEach;
      assertThat(engine.walSyncCount()).isPositive().isLessThanOrEqualTo(writes / 16);
      assertThat(engine.walSyncWaitCount()).isPositive();
    }
  }

  /**
   * A lone writer never waits for the window: nothing would join its fsync, and no fsync of its
   * writes waits first, whatever rate its disk allows. (The time bound: 40 writes would take at
   * least 4 s if each waited the 100 ms window; it is 20 times what the slowest disk here needs.)
   */
  @Test
  void aLoneWriterIsNotDelayedByTheWindow() {
    try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir)
        .blockCacheBytes(8 << 20).groupCommitWindow(java.time.Duration.ofMillis(100)).build())) {
      long start = System.nanoTime();
      for (int i = 0; i < 40; i++) {
        put(engine, key("k" + i), "v");
      }
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(3));
      assertThat(engine.walSyncCount()).isEqualTo(40);
      assertThat(engine.walSyncWaitCount()).isZero(); // however fast the disk made the rate look
    }
  }

  /**
   * An update that finds its set unchanged (a repeated replica write, a read repair that was not
   * needed) read only data that is durable already: it needs no fsync. A hint, written in place,
   * still gets one.
   */
  @Test
  void anUnchangedSetCostsNoFsyncAndAHintStillGetsOne() {
    try (RocksDbStorageEngine engine = open()) {
      VersionSet stored = put(engine, key("k"), "v");
      long syncs = engine.walSyncCount();
      assertThat(engine.update(key("k"), v -> v.merge(stored)).join()).isEqualTo(stored);
      assertThat(engine.walSyncCount()).isEqualTo(syncs);
      engine.putHint(NodeId.of("peer"), key("k"), stored).join();
      assertThat(engine.walSyncCount()).isEqualTo(syncs + 1);
    }
  }

  /**
   * The writer remembers the sets it last read or wrote: a second update of a key reads no
   * RocksDB; yet once the key's partition is dropped, its next update starts from nothing, and
   * after a reopen (a new, empty cache) from what is on disk.
   */
  @Test
  void theUpdateCacheServesRepeatedUpdatesAndForgetsADroppedPartition() {
    StorageKey k = key("k");
    try (RocksDbStorageEngine engine = open()) {
      put(engine, k, "v1");
      long misses = engine.updateCacheMisses();
      VersionSet second = put(engine, k, "v2");
      assertThat(engine.updateCacheHits()).isEqualTo(1);
      assertThat(engine.updateCacheMisses()).isEqualTo(misses);
      assertThat(engine.get(k)).contains(second);

      engine.dropPartition("carts", k.partition()).join();
      List<VersionSet> seen = new ArrayList<>();
      engine.update(k, v -> {
        seen.add(v);
        return v;
      }).join();
      assertThat(seen).containsExactly(VersionSet.EMPTY);
      VersionSet third = put(engine, k, "v3");
      assertThat(third.siblings()).hasSize(1);
    }
    try (RocksDbStorageEngine engine = open()) {
      List<VersionSet> seen = new ArrayList<>();
      engine.update(k, v -> {
        seen.add(v);
        return v;
      }).join();
      assertThat(seen).singleElement().extracting(VersionSet::siblings).asList().hasSize(1);
      assertThat(engine.updateCacheHits()).isZero();
    }
    try (RocksDbStorageEngine engine = RocksDbStorageEngine.open(
        RocksDbConfig.newBuilder(dir).blockCacheBytes(8 << 20).updateCacheBytes(0).build())) {
      put(engine, k, "v4");
      put(engine, k, "v5");
      assertThat(engine.updateCacheHits()).isZero();
    }
  }

  /** What an operator sees in the node's metrics: the engine's fsyncs and update-cache hits, as they happen. */
  @Test
  void theMetricsCountFsyncsAndUpdateCacheHits() {
    StorageKey k = key("k");
    try (RocksDbStorageEngine engine = open()) {
      assertThat(engine.metrics()).containsOnlyKeys("storage.wal.syncs", "storage.wal.syncs.waited",
          "storage.write.batches", "storage.bytes.written", "storage.update.cache.hits", "storage.update.cache.misses",
          "storage.keys.estimate", "storage.sst.bytes", "storage.memtable.bytes", "storage.write.stopped");
      put(engine, k, "v1");
      long oneWrite = engine.metrics().get("storage.bytes.written");
      // The key (with its store and partition prefix) and its set, about 40 bytes: not much more.
      assertThat(oneWrite).isBetween(30L, 200L);
      put(engine, k, "v2");
      assertThat(engine.metrics())
          .containsEntry("storage.wal.syncs", 2L)
          .containsEntry("storage.write.batches", 2L)
          .containsEntry("storage.update.cache.hits", 1L)
          .containsEntry("storage.update.cache.misses", 1L);
      // Updates queued at once are written in groups: fewer batches than updates.
      Update last = null;
      for (int i = 0; i < 1000; i++) {
        last = engine.apply(key("bulk-" + i), v -> v.put(v.context(), ACTOR, new byte[] {1}, 7));
      }
      last.durable().join();
      assertThat(engine.metrics().get("storage.write.batches") - 2).isBetween(1L, 999L);
      assertThat(engine.metrics().get("storage.update.cache.misses")).isEqualTo(1001L);
      // RocksDB's estimates of the data: the keys written, in memory so far, no write stall.
      assertThat(engine.metrics().get("storage.keys.estimate")).isBetween(900L, 1100L);
      assertThat(engine.metrics().get("storage.memtable.bytes")).isPositive();
      assertThat(engine.metrics()).containsEntry("storage.write.stopped", 0L);
      java.util.Map<String, Long> beforeClose = new java.util.TreeMap<>(engine.metrics());
      engine.close();
      // The counters stay readable after close; RocksDB's estimates go with it.
      beforeClose.keySet().removeIf(name -> name.startsWith("storage.keys") || name.startsWith("storage.sst")
          || name.startsWith("storage.memtable") || name.startsWith("storage.write.stopped"));
      assertThat(engine.metrics()).isEqualTo(beforeClose);
    }
  }

  private void writeConcurrently(RocksDbStorageEngine engine, int writers, int writesEach) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < writers; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < writesEach; i++) {
            put(engine, key("t" + thread + "-" + i), "v");
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Updates queued in bulk while another thread keeps taking every stripe (leaf rebuilds,
   * partition drops) all finish, and the incremental leaves still equal the data.
   */
  @Test
  void bulkUpdatesRaceStripeTakersWithoutDeadlockAndTheLeavesStayExact() throws Exception {
    try (RocksDbStorageEngine engine = open()) {
      ExecutorService other = Executors.newSingleThreadExecutor();
      try {
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Future<Integer> rebuilds = other.submit(() -> {
          int n = 0;
          while (writing.get()) {
            engine.rebuildMerkleLeaves("carts", n % KEY_SPACE.partitions());
            if (n % 10 == 9) {
              engine.dropPartition("carts", 5).join();
            }
            n++;
          }
          return n;
        });
        List<CompletableFuture<VersionSet>> writes = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
          String v = "v" + i;
          writes.add(engine.update(key("k" + (i % 300)),
              s -> s.put(s.context(), ACTOR, v.getBytes(StandardCharsets.UTF_8), 1)));
        }
        for (CompletableFuture<VersionSet> w : writes) {
          assertThat(w).succeedsWithin(java.time.Duration.ofSeconds(60));
        }
        writing.set(false);
        assertThat(rebuilds.get(60, TimeUnit.SECONDS)).isPositive();
      } finally {
        other.shutdownNow();
      }
      for (int p = 0; p < KEY_SPACE.partitions(); p++) {
        long[] fromData = new long[KeySpace.SEGMENTS_PER_PARTITION];
        engine.scan(ScanRange.partition("carts", p), (k, v) -> {
          fromData[k.segment()] ^= SegmentDigest.of(k, VersionSetCodec.encode(v));
          return true;
        });
        assertThat(engine.merkleLeaves("carts", p)).as("partition %d", p).isEqualTo(fromData);
      }
    }
  }

  /**
   * The writer never waits for a busy stripe while it holds others (a thread taking every stripe
   * in order would deadlock with it): it first writes what it has, which completes those
   * updates. Here the writer meets A, then X whose stripe another thread holds; A must complete
   * while X waits. Waiting for X with A's stripe held fails this test.
   */
  @Test
  void theWriterWritesWhatItHoldsBeforeWaitingForABusyStripe() throws Exception {
    try (RocksDbStorageEngine engine = open()) {
      put(engine, key("first"), "v"); // the store exists, so its keys have stripes
      StorageKey a = key("a");
      StorageKey x = distinctStripe(engine, "x", a);
      StorageKey hold = distinctStripe(engine, "hold", a, x);
      java.util.concurrent.locks.ReentrantLock busy = engine.stripeOf(x);
      java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch unlock = new java.util.concurrent.CountDownLatch(1);
      Thread holder = new Thread(() -> {
        busy.lock();
        try {
          locked.countDown();
          unlock.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          busy.unlock();
        }
      });
      holder.start();
      try {
        locked.await();
        // Keep the writer busy in a change until A and X are queued, so that they form one group.
        java.util.concurrent.CountDownLatch writerBusy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<VersionSet> first = engine.update(hold, v -> {
          writerBusy.countDown();
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return v;
        });
        writerBusy.await();
        CompletableFuture<VersionSet> writeA = engine.apply(a, v -> v.put(v.context(), ACTOR, new byte[] {1}, 1)).applied();
        CompletableFuture<VersionSet> writeX = engine.update(x, v -> v.put(v.context(), ACTOR, new byte[] {2}, 1));
        go.countDown();
        assertThat(first).succeedsWithin(java.time.Duration.ofSeconds(30));
        assertThat(writeA).as("A, written before waiting for X's stripe").succeedsWithin(java.time.Duration.ofSeconds(30));
        assertThat(writeX).isNotDone();
        unlock.countDown();
        assertThat(writeX).succeedsWithin(java.time.Duration.ofSeconds(30));
      } finally {
        unlock.countDown();
        holder.join();
      }
    }
  }

  /** A key named from {@code prefix} whose stripe differs from those of {@code others}. */
  private static StorageKey distinctStripe(RocksDbStorageEngine engine, String prefix, StorageKey... others) {
    for (int i = 0; ; i++) {
      StorageKey k = key(prefix + i);
      if (java.util.Arrays.stream(others).noneMatch(o -> engine.stripeOf(o) == engine.stripeOf(k))) {
        return k;
      }
    }
  }

  @Test
  void closingWithWritesInFlightCompletesOrFailsEachOfThemClearly() throws Exception {
    RocksDbStorageEngine engine = open();
    List<CompletableFuture<VersionSet>> writes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String v = "v" + i;
      writes.add(engine.update(key("k" + i), s -> s.put(s.context(), ACTOR, v.getBytes(StandardCharsets.UTF_8), 1)));
    }
    engine.close();
    for (CompletableFuture<VersionSet> w : writes) {
      assertThat(w).succeedsWithin(java.time.Duration.ofSeconds(30));
    }
    assertThatThrownBy(() -> engine.update(key("late"), s -> s).join()).hasCauseInstanceOf(StorageException.class);
  }

  @Test
  void settingsAreValidatedAndSetOnce() {
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).bloomBitsPerKey(33))
        .hasMessage("bloomBitsPerKey : 33 (expected: 0..32)");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).blockCacheBytes(10))
        .hasMessage("blockCacheBytes : 10 (expected: >= 1048576)");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).writeBufferBytes(10))
        .hasMessage("writeBufferBytes : 10 (expected: >= 1048576)");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).durability(Durability.ASYNC).durability(Durability.SYNC))
        .hasMessage("durability was already set to ASYNC");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).groupCommitWindow(java.time.Duration.ofMillis(-1)))
        .hasMessage("groupCommitWindow : PT-0.001S (expected: 0..100 ms)");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).groupCommitWindow(java.time.Duration.ofMillis(101)))
        .hasMessage("groupCommitWindow : PT0.101S (expected: 0..100 ms)");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).groupCommitWindow(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).updateCacheBytes(-1))
        .hasMessage("updateCacheBytes : -1 (expected: 0..1073741824)");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).updateCacheBytes((1 << 30) + 1))
        .hasMessage("updateCacheBytes : 1073741825 (expected: 0..1073741824)");
    assertThatThrownBy(() -> RocksDbConfig.newBuilder(dir).updateCacheBytes(0).updateCacheBytes(1))
        .hasMessage("updateCacheBytes was already set to 0");
    RocksDbConfig defaults = RocksDbConfig.newBuilder(dir).build();
    assertThat(defaults.updateCacheBytes()).isEqualTo(32 << 20);
    assertThat(defaults.groupCommitWindow()).isEqualTo(java.time.Duration.ZERO);
    assertThat(defaults.durability()).isEqualTo(Durability.SYNC);
    assertThat(defaults.bloomBitsPerKey()).isEqualTo(10);
  }
}
