package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.SegmentDigest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves the in-memory Merkle leaves at a clean close, with a marker that says they are current,
 * and at the next open loads them, or, when the marker is missing (an unclean stop), rebuilds
 * them from one scan of the data. Used by {@link RocksDbStorageEngine} at open and close only,
 * when no write runs.
 */
final class LeafCheckpoint {

  private static final Logger log = LoggerFactory.getLogger(LeafCheckpoint.class);
  private static final byte[] LEAVES_SAVED = "engine/merkle-leaves-saved".getBytes(StandardCharsets.UTF_8);

  private final RocksDB db;
  private final ColumnFamilyHandle data;
  private final ColumnFamilyHandle merkle;
  private final ColumnFamilyHandle meta;
  private final WriteOptions syncWriteOptions;
  private final StoreIds storeIds;
  private final LeafTable leaves;

  LeafCheckpoint(RocksDB db, ColumnFamilyHandle data, ColumnFamilyHandle merkle, ColumnFamilyHandle meta,
      WriteOptions syncWriteOptions, StoreIds storeIds, LeafTable leaves) {
    this.db = db;
    this.data = data;
    this.merkle = merkle;
    this.meta = meta;
    this.syncWriteOptions = syncWriteOptions;
    this.storeIds = storeIds;
    this.leaves = leaves;
  }

  /** Loads the leaves a clean close saved, or rebuilds them all from the data. */
  /** Returns whether the last close was clean (the saved leaves were there to load). */
  boolean loadOrRebuild(Path directory) throws RocksDBException {
    if (db.get(meta, LEAVES_SAVED) != null) {
      int partitions = 0;
      try (RocksIterator it = db.newIterator(merkle)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] k = it.key();
          leaves.set(KeyLayout.storeIdOf(k, 0), ((k[4] & 0xFF) << 8) | (k[5] & 0xFF), LeafTable.decode(it.value()));
          partitions++;
        }
        it.status();
      }
      // From now on the saved leaves are stale until the next clean close saves them again.
      db.delete(meta, syncWriteOptions, LEAVES_SAVED);
      log.info("loaded the Merkle leaves of {} partitions saved by the last clean close", partitions);
      return true;
    }
    long started = System.nanoTime();
    long keys = 0;
    log.info("no Merkle leaves saved by a clean close at {}: rebuilding them from the data", directory);
    try (RocksIterator it = db.newIterator(data)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] k = it.key();
        int storeId = KeyLayout.storeIdOf(k, 0);
        String store = storeIds.name(storeId).orElseThrow(
            () -> new StorageException("data key with unknown store id " + storeId + " in " + directory));
        StorageKey key = KeyLayout.decodeDataKey(store, k, 0);
        leaves.xor(storeId, key.partition(), key.segment(), SegmentDigest.of(key, it.value()));
        if (++keys % 1_000_000 == 0) {
          log.info("rebuilding Merkle leaves: {} keys so far", keys);
        }
      }
      it.status();
    }
    log.info("rebuilt the Merkle leaves from {} keys in {} ms", keys, (System.nanoTime() - started) / 1_000_000);
    return false;
  }

  /** Saves the leaves and the marker that says they are current, in one fsync'd batch. */
  void save() throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      batch.deleteRange(merkle, new byte[] {0}, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
          (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      for (var e : leaves.snapshot().entrySet()) {
        byte[] k = KeyLayout.partitionPrefix(LeafTable.storeIdOf(e.getKey()), LeafTable.partitionOf(e.getKey()));
        batch.put(merkle, k, LeafTable.encode(e.getValue()));
      }
      batch.put(meta, LEAVES_SAVED, new byte[] {1});
      db.write(syncWriteOptions, batch);
    }
  }
}
