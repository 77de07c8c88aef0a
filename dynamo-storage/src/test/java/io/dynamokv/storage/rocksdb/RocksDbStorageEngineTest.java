package io.dynamokv.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageEngineContract;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract over RocksDB with fsync'd group commit (the default). */
class RocksDbStorageEngineTest extends StorageEngineContract {

  @TempDir Path dir;
  private final AtomicInteger opened = new AtomicInteger();

  @Override
  protected StorageEngine newEngine() {
    return RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir.resolve("db-" + opened.incrementAndGet()))
        .blockCacheBytes(8 << 20)
        .build());
  }

  /**
   * What is in a memtable or the block cache reads from memory; a key in a table file whose block
   * no read has cached does not, until a read caches it; a store that does not exist holds nothing.
   */
  @Test
  void readsFromMemoryWhatTheMemtablesAndTheBlockCacheHold() {
    KeySpace keys = new KeySpace(64);
    RocksDbConfig config = RocksDbConfig.newBuilder(dir.resolve("memory")).writeBufferBytes(1 << 20)
        .blockCacheBytes(8 << 20).build();
    byte[] value = new byte[200];
    StorageKey first = keys.storageKey("s", "key-0".getBytes(StandardCharsets.UTF_8));
    StorageKey latest = keys.storageKey("s", "key-29999".getBytes(StandardCharsets.UTF_8));
    try (RocksDbStorageEngine e = RocksDbStorageEngine.open(config)) {
      Update last = null;
      for (int i = 0; i < 30_000; i++) { // about 7 MB: the first keys are flushed to table files
        last = e.apply(keys.storageKey("s", ("key-" + i).getBytes(StandardCharsets.UTF_8)),
            v -> v.put(v.context(), ACTOR, value, 1));
      }
      last.durable().join();
      assertThat(e.getFromMemory(latest)).as("read in the memtable").isEqualTo(e.get(latest));
      assertThat(e.digestFromMemory(latest)).hasValue(e.digest(latest));
    }
    try (RocksDbStorageEngine e = RocksDbStorageEngine.open(config)) {
      assertThat(e.getFromMemory(first)).as("in a table file, its block not cached: it would wait for the disk")
          .isEmpty();
      assertThat(e.digestFromMemory(first)).isEmpty();
      assertThat(e.get(first)).isPresent();
      assertThat(e.getFromMemory(first)).as("its block cached by the read").isEqualTo(e.get(first));
      assertThat(e.digestFromMemory(first)).hasValue(e.digest(first));
      StorageKey unknown = keys.storageKey("none", new byte[] {1});
      assertThat(e.getFromMemory(unknown)).contains(io.dynamokv.spi.version.VersionSet.EMPTY);
      assertThat(e.digestFromMemory(unknown)).hasValue(0);
    }
  }

  /**
   * A digest read from memory into the I/O thread's buffers is the stored set's digest whatever
   * its size: smaller than the first buffer, and larger (the buffer grows); a set larger than any
   * buffer is left to a request thread, and a key never written digests to 0.
   */
  @Test
  void digestsFromMemoryMatchTheStoredSetsOfEverySize() {
    KeySpace keys = new KeySpace(64);
    RocksDbConfig config = RocksDbConfig.newBuilder(dir.resolve("digests")).build();
    try (RocksDbStorageEngine e = RocksDbStorageEngine.open(config)) {
      int[] sizes = {0, 100, 20_000, 40_000, MemoryDigests.LARGEST_BUFFERED + 1000, 100};
      for (int i = 0; i < sizes.length; i++) {
        byte[] value = new byte[sizes[i]];
        java.util.Arrays.fill(value, (byte) i);
        StorageKey k = keys.storageKey("s", ("sized-" + i).getBytes(StandardCharsets.UTF_8));
        e.apply(k, v -> v.put(v.context(), ACTOR, value, 1)).durable().join();
        if (sizes[i] > MemoryDigests.LARGEST_BUFFERED) {
          assertThat(e.digestFromMemory(k)).as("a set of %d value bytes", sizes[i]).isEmpty();
          assertThat(e.digest(k)).isNotZero();
        } else {
          assertThat(e.digestFromMemory(k)).as("a set of %d value bytes", sizes[i]).hasValue(e.digest(k));
        }
        assertThat(e.getFromMemory(k)).contains(e.get(k).orElseThrow());
      }
      StorageKey never = keys.storageKey("s", "never".getBytes(StandardCharsets.UTF_8));
      assertThat(e.digestFromMemory(never)).hasValue(0);
    }
  }

  /**
   * A dropped store's name is gone from the metadata, so it costs nothing across a restart; its id
   * is not given to the next new store, so nothing left of it could ever read as that store's.
   */
  @Test
  void aDroppedStoresNameIsForgottenAndItsIdNeverReused() throws Exception {
    RocksDbConfig config = RocksDbConfig.newBuilder(dir.resolve("drop")).build();
    try (RocksDbStorageEngine e = RocksDbStorageEngine.open(config)) {
      e.update(KEY_SPACE.storageKey("a", new byte[] {1}), v -> write(v, "x")).join();
      e.update(KEY_SPACE.storageKey("b", new byte[] {1}), v -> write(v, "y")).join();
      e.dropStore("b").join();
    }
    try (RocksDbStorageEngine e = RocksDbStorageEngine.open(config)) {
      assertThat(e.stores()).containsExactly("a");
      assertThat(e.storeIds().names()).containsOnlyKeys("a");
      assertThat(e.storeIds().idFor("c")).as("the id of the next new store").isEqualTo(3);
    }
  }

  /**
   * With many partitions (4,096 of each of two stores) and keys both in the memtable and in table
   * files, a scan of one partition visits exactly its keys in order, the stores are all found,
   * the leaves rebuilt from a scan match, and a dropped partition takes no other with it.
   */
  @Test
  void partitionsStayApartAcrossTheMemtableAndTableFiles() {
    KeySpace wide = new KeySpace(4096);
    RocksDbConfig config = RocksDbConfig.newBuilder(dir.resolve("wide")).writeBufferBytes(1 << 20).build();
    Map<String, Map<Integer, List<StorageKey>>> written = new TreeMap<>();
    byte[] value = new byte[200];
    try (RocksDbStorageEngine e = RocksDbStorageEngine.open(config)) {
      Update last = null;
      for (int i = 0; i < 30_000; i++) { // about 7 MB: several memtables flushed, the last one not
        String store = i % 3 == 0 ? "t" : "s";
        StorageKey k = wide.storageKey(store, ("key-" + i).getBytes(StandardCharsets.UTF_8));
        last = e.apply(k, v -> v.put(v.context(), ACTOR, value, 1));
        written.computeIfAbsent(store, x -> new TreeMap<>()).computeIfAbsent(k.partition(), x -> new ArrayList<>()).add(k);
      }
      last.durable().join(); // and with it every update queued before it
      assertThat(e.stores()).containsExactly("s", "t");
      for (var store : written.entrySet()) {
        for (int p = 0; p < wide.partitions(); p++) {
          List<StorageKey> expected = new ArrayList<>(store.getValue().getOrDefault(p, List.of()));
          expected.sort(null);
          List<StorageKey> scanned = new ArrayList<>();
          e.scan(ScanRange.partition(store.getKey(), p), (k, v) -> scanned.add(k));
          assertThat(scanned).as("%s partition %d", store.getKey(), p).isEqualTo(expected);
        }
      }
      for (int p = 0; p < 64; p++) {
        assertThat(e.rebuildMerkleLeaves("s", p)).as("leaves of partition %d", p).isEqualTo(e.merkleLeaves("s", p));
      }
      e.dropPartition("s", 7).join();
      List<StorageKey> left = new ArrayList<>();
      e.scan(ScanRange.partition("s", 7), (k, v) -> left.add(k));
      assertThat(left).isEmpty();
      for (int p : List.of(6, 8, 4095)) {
        List<StorageKey> expected = new ArrayList<>(written.get("s").get(p));
        expected.sort(null);
        List<StorageKey> scanned = new ArrayList<>();
        e.scan(ScanRange.partition("s", p), (k, v) -> scanned.add(k));
        assertThat(scanned).as("partition %d after dropping 7", p).isNotEmpty().isEqualTo(expected);
      }
    }
  }
}
