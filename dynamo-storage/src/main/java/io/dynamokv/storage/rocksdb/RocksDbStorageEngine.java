package io.dynamokv.storage.rocksdb;

import io.dynamokv.ClusterStatus;
import io.dynamokv.NodeId;
import io.dynamokv.spi.CorruptValueException;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.ScanVisitor;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Holder;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link StorageEngine} on RocksDB: one database per node, with column families for
 * data, Merkle leaves, hints and metadata (layouts in {@code KeyLayout}).
 *
 * <h2>Writes</h2>
 * An update is queued for the engine's writer thread ({@code GroupCommit}), which applies the
 * updates queued together as one write batch ({@code UpdateBatch}): per update it locks the
 * key (one of {@value #STRIPES} lock stripes), reads the current set, applies the change, and
 * puts the new set in the batch; it writes the batch, XORs the changes of the keys' digests into
 * their Merkle leaves, and unlocks. With {@link Durability#SYNC} a second thread ({@code
 * WalSyncer}) makes the groups durable with one fsync of the write-ahead log for all groups
 * written meanwhile, while the writer goes on with the next ones.
 *
 * <h2>Merkle leaves</h2>
 * Leaves live in memory ({@code LeafTable}); a clean close saves them with a marker, and the
 * next open loads them. After an unclean stop (no marker) the open rebuilds them from one scan
 * of the data, logging its progress. Writing each leaf change to disk with the data would
 * make every put write two column families, a large part of a put's cost; a rebuild after a
 * crash costs one scan, once.
 *
 * <h2>Corrupt values</h2>
 * {@link #get} of a value that does not decode throws {@link CorruptValueException} naming the
 * store, partition and key; scans log it and skip the key; an update treats it as absent, and
 * so replaces it (this is how read repair and anti-entropy restore it from another replica).
 *
 * <h2>Concurrency and lifecycle</h2>
 * Thread-safe. Every operation holds a shared lock that {@link #close()} takes exclusively, so
 * no native handle is used after it is released. A second open of a directory that is open
 * fails with a {@link StorageException} that says so.
 */
public final class RocksDbStorageEngine implements StorageEngine {

  private static final Logger log = LoggerFactory.getLogger(RocksDbStorageEngine.class);

  private static final int STRIPES = 1024;
  /** Share of the memtable given to its bloom filter. */
  static final double MEMTABLE_BLOOM_RATIO = 0.02;
  static final List<String> COLUMN_FAMILIES = List.of("data", "merkle", "hints", "meta");

  static {
    RocksDB.loadLibrary();
  }

  private final RocksDbConfig config;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final RocksDB db;
  private final ColumnFamilyHandle data;
  private final HintColumn hintColumn;
  private final MemoryDigests memoryDigests;
  private final ColumnFamilyHandle meta;
  private final WriteOptions writeOptions;
  private final WriteOptions syncWriteOptions;
  private final UpdateBatch updateBatch;
  private final GroupCommit groupCommit;
  private final StoreIds storeIds;
  private final LeafTable leaves = new LeafTable();
  private final LeafCheckpoint leafCheckpoint;
  private final boolean cleanOpen;
  private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
  /** Counts dropped partitions, so the writer forgets the sets it remembers of them. */
  private final AtomicLong partitionDrops = new AtomicLong();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private RocksDbStorageEngine(RocksDbConfig config) throws RocksDBException {
    this.config = config;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantLock();
    }
    LRUCache cache = track(new LRUCache(config.blockCacheBytes()));
    BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache);
    if (config.bloomBitsPerKey() > 0) {
      table.setFilterPolicy(track(new BloomFilter(config.bloomBitsPerKey(), false)));
    }
    ColumnFamilyOptions dataOptions = track(new ColumnFamilyOptions()
        .setTableFormatConfig(table)
        .setWriteBufferSize(config.writeBufferBytes())
        // A whole-key bloom filter on the memtable: every update reads its key before writing
        // it, and for a new key this makes the memtable part of that read nearly free.
        .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO)
        .setMemtableWholeKeyFiltering(true)
        .setCompressionType(config.compression() ? CompressionType.LZ4_COMPRESSION : CompressionType.NO_COMPRESSION));
    ColumnFamilyOptions smallOptions = track(new ColumnFamilyOptions()
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache)));
    List<ColumnFamilyDescriptor> descriptors = List.of(
        new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallOptions),
        new ColumnFamilyDescriptor(bytes("data"), dataOptions),
        new ColumnFamilyDescriptor(bytes("merkle"), smallOptions),
        new ColumnFamilyDescriptor(bytes("hints"), smallOptions),
        new ColumnFamilyDescriptor(bytes("meta"), smallOptions));
    DBOptions dbOptions = track(new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2)
        .setBytesPerSync(1 << 20));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      db = RocksDB.open(dbOptions, config.directory().toString(), descriptors, handles);
    } catch (RocksDBException e) {
      closeResources();
      String message = String.valueOf(e.getMessage());
      if (message.contains("LOCK") || message.contains("lock")) {
        throw new StorageException("cannot open the data directory " + config.directory()
            + ": it is already open, by this process or another (" + message + ")", e);
      }
      throw new StorageException("cannot open RocksDB at " + config.directory() + ": " + message, e);
    }
    // Close order: handles, then the database, then the options they were made with.
    resources.add(0, db);
    for (ColumnFamilyHandle h : handles) {
      resources.add(0, h);
    }
    data = handles.get(1);
    meta = handles.get(4);
    writeOptions = track(new WriteOptions().setSync(false));
    syncWriteOptions = track(new WriteOptions().setSync(true));
    storeIds = new StoreIds(db, meta, syncWriteOptions);
    hintColumn = new HintColumn(db, handles.get(3), writeOptions, storeIds, this::stripe);
    memoryDigests = new MemoryDigests(db, data);
    leafCheckpoint = new LeafCheckpoint(db, data, handles.get(2), meta, syncWriteOptions, storeIds, leaves);
    boolean brandNew;
    try (RocksIterator it = db.newIterator(meta)) {
      it.seekToFirst();
      brandNew = !it.isValid(); // no store, no node metadata: nothing was ever written
    }
    cleanOpen = leafCheckpoint.loadOrRebuild(config.directory()) || brandNew;
    updateBatch = new UpdateBatch(db, data, writeOptions, storeIds, leaves, this::stripe, partitionDrops,
        config.updateCacheBytes());
    groupCommit = new GroupCommit(updateBatch, db::syncWal, config.durability() == Durability.SYNC,
        "rocksdb-commit-" + config.directory().getFileName(), config.groupCommitWindow());
  }

  /**
   * Opens (creating if needed) the database in {@code config}'s directory.
   *
   * @throws StorageException if the directory cannot be created or opened, or is already open
   */
  public static RocksDbStorageEngine open(RocksDbConfig config) {
    Objects.requireNonNull(config, "config");
    try {
      Files.createDirectories(config.directory());
    } catch (IOException e) {
      throw new StorageException("cannot create the data directory " + config.directory() + ": " + e, e);
    }
    try {
      RocksDbStorageEngine engine = new RocksDbStorageEngine(config);
      log.info("opened {} with stores {}", config, engine.storeIds.names());
      return engine;
    } catch (RocksDBException e) {
      throw new StorageException("cannot open RocksDB at " + config.directory() + ": " + e.getMessage(), e);
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the settings this engine was opened with. */
  public RocksDbConfig config() {
    return config;
  }

  // ---- lifecycle guard: no native handle is touched after close ----

  private void enter() {
    lifecycle.readLock().lock();
    checkOpen();
  }

  /** As {@link #enter()}, but never waits: fails as closing while {@link #close()} runs. */
  private void enterWithoutWaiting() {
    if (!lifecycle.readLock().tryLock()) {
      throw new StorageException("RocksDB storage engine at " + config.directory() + " is closing");
    }
    checkOpen();
  }

  /** With the shared lock held: releases it and throws if the engine is closed. */
  private void checkOpen() {
    if (closed) {
      lifecycle.readLock().unlock();
      throw new StorageException("RocksDB storage engine at " + config.directory() + " is closed");
    }
  }

  private void exit() {
    lifecycle.readLock().unlock();
  }

  private ReentrantLock stripe(byte[] key) {
    int h = Arrays.hashCode(key);
    return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
  }

  /** The stripe that guards {@code key} (of a store that exists); for tests of the writer's locking. */
  ReentrantLock stripeOf(StorageKey key) {
    return stripe(KeyLayout.dataKey(storeIds.find(key.store()).orElseThrow(), key));
  }

  private CompletableFuture<Void> durable() {
    return groupCommit.sync();
  }

  private static <T> CompletableFuture<T> failed(Throwable t) {
    return CompletableFuture.failedFuture(t instanceof RocksDBException
        ? new StorageException("RocksDB failed: " + t.getMessage(), t) : t);
  }

  // ---- data ----

  @Override
  public Optional<VersionSet> get(StorageKey key) {
    Objects.requireNonNull(key, "key");
    enter();
    try {
      Optional<Integer> storeId = storeIds.find(key.store());
      if (storeId.isEmpty()) {
        return Optional.empty();
      }
      byte[] stored = db.get(data, KeyLayout.dataKey(storeId.get(), key));
      return stored == null ? Optional.empty() : Optional.of(decode(key, stored));
    } catch (RocksDBException e) {
      throw new StorageException("read of " + key + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  /** Hashes the stored bytes as they are: a digest read decodes nothing. */
  @Override
  public long digest(StorageKey key) {
    Objects.requireNonNull(key, "key");
    enter();
    try {
      Optional<Integer> storeId = storeIds.find(key.store());
      if (storeId.isEmpty()) {
        return 0;
      }
      byte[] dataKey = KeyLayout.dataKey(storeId.get(), key);
      byte[] stored = db.get(data, dataKey);
      return stored == null ? 0 : UpdateBatch.digest(dataKey, stored, stored.length);
    } catch (RocksDBException e) {
      throw new StorageException("digest read of " + key + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  /**
   * One {@code KeyMayExist}, which reads only the memtables and the block cache and hands back the
   * value it finds there (a key its filters rule out is known absent): the lookup that decides
   * whether the read can be made from memory is the read.
   */
  @Override
  public Optional<VersionSet> getFromMemory(StorageKey key) {
    return inMemory(key, VersionSet.EMPTY, dataKey -> {
      Holder<byte[]> value = new Holder<>();
      try {
        if (!db.keyMayExist(data, dataKey, value)) {
          return Optional.of(VersionSet.EMPTY);
        }
      } catch (RuntimeException e) {
        return Optional.empty(); // the read on a request thread reports it
      }
      byte[] stored = value.getValue();
      return stored == null ? Optional.empty() : Optional.of(decode(key, stored));
    });
  }

  /**
   * Hashes the bytes {@code KeyMayExist} found in memory, as {@link #digest} hashes the stored
   * bytes, read into this thread's buffers ({@link MemoryDigests}).
   */
  @Override
  public OptionalLong digestFromMemory(StorageKey key) {
    Optional<Long> digest = inMemory(key, 0L, memoryDigests::digest);
    return digest.isPresent() ? OptionalLong.of(digest.get()) : OptionalLong.empty();
  }

  /**
   * {@code lookUp} of the key's data key, or {@code absent} for a key of a store never written;
   * empty if the engine is closing, or if the lookup is (finding out would read a table file).
   */
  private <T> Optional<T> inMemory(StorageKey key, T absent, java.util.function.Function<byte[], Optional<T>> lookUp) {
    Objects.requireNonNull(key, "key");
    try {
      enterWithoutWaiting();
    } catch (StorageException closing) {
      return Optional.empty();
    }
    try {
      Optional<Integer> storeId = storeIds.find(key.store());
      return storeId.isEmpty() ? Optional.of(absent) : lookUp.apply(KeyLayout.dataKey(storeId.get(), key));
    } finally {
      exit();
    }
  }

  /** Decodes the bytes RocksDB returned: an array of their own, which the set may keep. */
  private static VersionSet decode(StorageKey key, byte[] stored) {
    try {
      return VersionSetCodec.decodeSharing(stored);
    } catch (DecodeException e) {
      throw new CorruptValueException(key, e);
    }
  }

  @Override
  public Update apply(StorageKey key, UnaryOperator<VersionSet> change) {
    try {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(change, "change");
      enterWithoutWaiting(); // an I/O thread may call this: it must not wait while close() drains
      try {
        return groupCommit.submit(key, change);
      } finally {
        exit();
      }
    } catch (RuntimeException e) {
      return Update.failed(e);
    }
  }

  @Override
  public void scan(ScanRange range, ScanVisitor visitor) {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(visitor, "visitor");
    enter();
    try {
      Optional<Integer> storeId = storeIds.find(range.store());
      if (storeId.isEmpty()) {
        return;
      }
      int id = storeId.get();
      byte[] lower = KeyLayout.segmentStart(id, range.partition(), range.fromSegment());
      byte[] upper = KeyLayout.segmentStart(id, range.partition(), range.toSegment());
      byte[] resumeAfter = range.after().map(k -> KeyLayout.dataKey(id, k)).orElse(null);
      try (Slice upperSlice = new Slice(upper);
           ReadOptions options = new ReadOptions().setIterateUpperBound(upperSlice);
           RocksIterator it = db.newIterator(data, options)) {
        it.seek(resumeAfter != null && Arrays.compareUnsigned(resumeAfter, lower) > 0 ? resumeAfter : lower);
        for (; it.isValid(); it.next()) {
          byte[] k = it.key();
          if (resumeAfter != null && Arrays.equals(k, resumeAfter)) {
            continue;
          }
          StorageKey key = KeyLayout.decodeDataKey(range.store(), k, 0);
          VersionSet versions;
          try {
            versions = VersionSetCodec.decodeSharing(it.value()); // a new array each call
          } catch (DecodeException e) {
            log.error("scan of {} skips a corrupt value: {}", key, e.getMessage());
            continue;
          }
          if (!visitor.visit(key, versions)) {
            return;
          }
        }
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StorageException("scan of " + range + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  @Override
  public long[] merkleLeaves(String store, int partition) {
    StorageKey.validateStore(store);
    enter();
    try {
      return storeIds.find(store)
          .map(id -> leaves.get(id, partition))
          .orElseGet(() -> new long[StorageEngine.SEGMENTS_PER_PARTITION]);
    } finally {
      exit();
    }
  }

  /**
   * Recomputes the Merkle leaves of one partition from a scan of its data, replaces the
   * incrementally maintained ones with them, and returns them. Writes wait meanwhile. For
   * operators and tests: the incremental leaves should already be equal.
   */
  public long[] rebuildMerkleLeaves(String store, int partition) {
    StorageKey.validateStore(store);
    enter();
    try {
      Optional<Integer> storeId = storeIds.find(store);
      if (storeId.isEmpty()) {
        return new long[StorageEngine.SEGMENTS_PER_PARTITION];
      }
      lockAllStripes();
      try {
        long[] rebuilt = new long[StorageEngine.SEGMENTS_PER_PARTITION];
        byte[] prefix = KeyLayout.partitionPrefix(storeId.get(), partition);
        try (RocksIterator it = db.newIterator(data)) {
          for (it.seek(prefix); it.isValid() && KeyLayout.startsWith(it.key(), prefix); it.next()) {
            StorageKey key = KeyLayout.decodeDataKey(store, it.key(), 0);
            rebuilt[key.segment()] ^= SegmentDigest.of(key, it.value());
          }
          it.status();
        }
        leaves.set(storeId.get(), partition, rebuilt);
        return rebuilt.clone();
      } finally {
        unlockAllStripes();
      }
    } catch (RocksDBException e) {
      throw new StorageException("rebuild of the Merkle leaves of " + store + "/p" + partition + " failed", e);
    } finally {
      exit();
    }
  }

  private void lockAllStripes() {
    for (ReentrantLock l : stripes) {
      l.lock();
    }
  }

  private void unlockAllStripes() {
    for (ReentrantLock l : stripes) {
      l.unlock();
    }
  }

  @Override
  public CompletableFuture<Void> dropPartition(String store, int partition) {
    return drop(store, id -> KeyLayout.partitionPrefix(id, partition), id -> leaves.clear(id, partition), false);
  }

  /** The store names and ids, for tests in this package. */
  StoreIds storeIds() {
    return storeIds;
  }

  @Override
  public CompletableFuture<Void> dropStore(String store) {
    return drop(store, KeyLayout::storePrefix, leaves::clearStore, true);
  }

  /**
   * Deletes the keys of {@code store} under {@code prefix} (of its id) and clears their leaves;
   * for the whole store, also its hints and its name.
   */
  private CompletableFuture<Void> drop(String store, java.util.function.IntFunction<byte[]> prefix,
      java.util.function.IntConsumer clearLeaves, boolean wholeStore) {
    try {
      StorageKey.validateStore(store);
      enter();
      try {
        Optional<Integer> storeId = storeIds.find(store);
        if (storeId.isEmpty()) {
          return CompletableFuture.completedFuture(null);
        }
        byte[] begin = prefix.apply(storeId.get());
        // Every stripe, so no update of the range slips between the delete and the reset of its
        // leaves and leaves them out of step. Dropping is rare; the pause is short.
        lockAllStripes();
        try {
          db.deleteRange(data, writeOptions, begin, KeyLayout.next(begin));
          clearLeaves.accept(storeId.get());
          partitionDrops.incrementAndGet(); // under every stripe: the writer sees it before its next update
        } finally {
          unlockAllStripes();
        }
        if (wholeStore) {
          hintColumn.dropStore(storeId.get());
          storeIds.forget(store);
        }
      } finally {
        exit();
      }
    } catch (RocksDBException | RuntimeException e) {
      return failed(e);
    }
    return durable();
  }

  @Override
  public Set<String> stores() {
    enter();
    try {
      Set<String> out = new TreeSet<>();
      try (RocksIterator it = db.newIterator(data)) {
        for (var e : storeIds.names().entrySet()) {
          byte[] prefix = KeyLayout.storePrefix(e.getValue());
          it.seek(prefix);
          if (it.isValid() && KeyLayout.startsWith(it.key(), prefix)) {
            out.add(e.getKey());
          }
        }
      }
      return Collections.unmodifiableSet(out);
    } finally {
      exit();
    }
  }

  // ---- hints ----

  @Override
  public CompletableFuture<Void> putHint(NodeId target, StorageKey key, VersionSet versions) {
    try {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(versions, "versions");
      enter();
      try {
        hintColumn.put(target, key, versions);
      } finally {
        exit();
      }
    } catch (RocksDBException | RuntimeException e) {
      return failed(e);
    }
    return durable();
  }

  @Override
  public List<Hint> hints(NodeId target, int limit) {
    Objects.requireNonNull(target, "target");
    if (limit < 0) {
      throw new IllegalArgumentException("limit : " + limit + " (expected: >= 0)");
    }
    enter();
    try {
      return hintColumn.list(target, limit);
    } catch (RocksDBException e) {
      throw new StorageException("listing hints for " + target + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  @Override
  public Set<NodeId> hintTargets() {
    enter();
    try {
      return hintColumn.targets();
    } catch (RocksDBException e) {
      throw new StorageException("listing hint targets failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  @Override
  public ClusterStatus.HintBacklog hintBacklog(NodeId target) {
    Objects.requireNonNull(target, "target");
    enter();
    try {
      return hintColumn.backlog(target);
    } catch (RocksDBException e) {
      throw new StorageException("counting hints for " + target + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  @Override
  public CompletableFuture<Boolean> removeHint(NodeId target, StorageKey key, VersionSet delivered) {
    boolean removed;
    try {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(delivered, "delivered");
      enter();
      try {
        removed = hintColumn.remove(target, key, delivered);
      } finally {
        exit();
      }
    } catch (RocksDBException | RuntimeException e) {
      return failed(e);
    }
    return removed ? durable().thenApply(v -> true) : CompletableFuture.completedFuture(false);
  }

  // ---- metadata ----

  @Override
  public Optional<byte[]> getMetadata(String name) {
    Objects.requireNonNull(name, "name");
    enter();
    try {
      return Optional.ofNullable(db.get(meta, bytes(StoreIds.USER_PREFIX + name)));
    } catch (RocksDBException e) {
      throw new StorageException("read of metadata " + name + " failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  @Override
  public CompletableFuture<Void> putMetadata(String name, byte[] value) {
    try {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      enter();
      try {
        db.put(meta, syncWriteOptions, bytes(StoreIds.USER_PREFIX + name), value);
      } finally {
        exit();
      }
      return CompletableFuture.completedFuture(null);
    } catch (RocksDBException | RuntimeException e) {
      return failed(e);
    }
  }

  @Override
  public boolean openedAfterCleanClose() {
    return cleanOpen;
  }

  /** Returns how many WAL fsyncs group commit has made (0 with {@link Durability#ASYNC}). */
  public long walSyncCount() {
    return groupCommit.syncCount();
  }

  /**
   * Returns how many updates found their key's set in the update cache (see
   * {@link RocksDbConfig.Builder#updateCacheBytes}) and so did not read RocksDB.
   */
  public long updateCacheHits() {
    return updateBatch.recentSets().hits();
  }

  /** Returns how many updates did not find their key's set in the update cache and read RocksDB. */
  public long updateCacheMisses() {
    return updateBatch.recentSets().misses();
  }

  /** Returns how many of those fsyncs first waited for more writes (the group-commit window). */
  public long walSyncWaitCount() {
    return groupCommit.gatherCount();
  }

  /**
   * Returns the engine's counters: {@code storage.wal.syncs} and {@code storage.wal.syncs.waited}
   * (fsyncs of the write-ahead log, and those that waited for more writes first),
   * {@code storage.write.batches} (RocksDB writes made by the writer thread, each a group of
   * updates: the updates, hits plus misses, divided by it is the groups' size), and
   * {@code storage.update.cache.hits} and {@code .misses} (updates that found their key's set in
   * the update cache, and those that read RocksDB); and RocksDB's own estimates of the data
   * column: {@code storage.keys.estimate} (keys, versions of a key counted apart until
   * compaction), {@code storage.sst.bytes} (bytes in table files), {@code storage.memtable.bytes},
   * and {@code storage.write.stopped} (1 while RocksDB stops writes to let compaction catch up).
   */
  @Override
  public Map<String, Long> metrics() {
    Map<String, Long> m = new TreeMap<>();
    m.put("storage.wal.syncs", walSyncCount());
    m.put("storage.wal.syncs.waited", walSyncWaitCount());
    m.put("storage.write.batches", updateBatch.batchesWritten());
    m.put("storage.bytes.written", updateBatch.bytesWritten());
    m.put("storage.update.cache.hits", updateCacheHits());
    m.put("storage.update.cache.misses", updateCacheMisses());
    lifecycle.readLock().lock();
    try {
      if (!closed) {
        m.put("storage.keys.estimate", property("rocksdb.estimate-num-keys"));
        m.put("storage.sst.bytes", property("rocksdb.total-sst-files-size"));
        m.put("storage.memtable.bytes", property("rocksdb.cur-size-all-mem-tables"));
        m.put("storage.write.stopped", property("rocksdb.is-write-stopped"));
      }
    } finally {
      lifecycle.readLock().unlock();
    }
    return m;
  }

  /** A RocksDB property of the data column, or -1 if RocksDB cannot say. */
  private long property(String name) {
    try {
      return db.getLongProperty(data, name);
    } catch (RocksDBException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      groupCommit.close(); // writes and syncs what was queued before this close
      updateBatch.close();
      try {
        leafCheckpoint.save(); // fsync'd, so also makes every earlier write durable, whatever the setting
      } catch (RocksDBException e) {
        log.warn("saving the Merkle leaves at {} failed, the next open rebuilds them: {}",
            config.directory(), e.getMessage());
      }
      closeResources();
      log.info("closed RocksDB storage engine at {}", config.directory());
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void closeResources() {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        log.warn("closing {} failed", r, e);
      }
    }
    resources.clear();
  }

  @Override
  public String toString() {
    return "RocksDbStorageEngine{" + config.directory() + (closed ? ", closed" : "") + "}";
  }
}
