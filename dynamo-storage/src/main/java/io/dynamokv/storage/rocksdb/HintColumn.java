package io.dynamokv.storage.rocksdb;

import io.dynamokv.ClusterStatus;
import io.dynamokv.NodeId;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hints column family: per target node, the version sets held for it, keyed
 * {@code target | data key} so one target's hints are one range. A hint's read-merge-write and
 * its conditional removal run under the same lock stripes as data updates.
 *
 * <p>Called by {@link RocksDbStorageEngine} inside its lifecycle guard; thread-safe.
 */
final class HintColumn {

  private static final Logger log = LoggerFactory.getLogger(HintColumn.class);

  private final RocksDB db;
  private final ColumnFamilyHandle hints;
  private final WriteOptions writeOptions;
  private final StoreIds storeIds;
  private final Function<byte[], ReentrantLock> stripe;

  HintColumn(RocksDB db, ColumnFamilyHandle hints, WriteOptions writeOptions, StoreIds storeIds,
      Function<byte[], ReentrantLock> stripe) {
    this.db = db;
    this.hints = hints;
    this.writeOptions = writeOptions;
    this.storeIds = storeIds;
    this.stripe = stripe;
  }

  /** Deletes every hint held for a key of the store with id {@code storeId}, whatever its target. */
  void dropStore(int storeId) throws RocksDBException {
    try (RocksIterator it = db.newIterator(hints); org.rocksdb.WriteBatch batch = new org.rocksdb.WriteBatch()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        int dataKeyAt = 1 + (key[0] & 0xFF);
        if (key.length >= dataKeyAt + 4 && KeyLayout.storeIdOf(key, dataKeyAt) == storeId) {
          batch.delete(hints, key);
        }
      }
      it.status();
      db.write(writeOptions, batch); // one write (and one sync) for them all
    }
  }

  void put(NodeId target, StorageKey key, VersionSet versions) throws RocksDBException {
    byte[] hintKey = KeyLayout.hintKey(target, KeyLayout.dataKey(storeIds.idFor(key.store()), key));
    ReentrantLock lock = stripe.apply(hintKey);
    lock.lock();
    try {
      VersionSet merged = versions;
      Optional<VersionSet> held = read(hintKey, target, key);
      if (held.isPresent()) {
        merged = held.get().merge(versions);
      }
      db.put(hints, writeOptions, hintKey, VersionSetCodec.encode(merged));
    } finally {
      lock.unlock();
    }
  }

  /** Removes the hint if {@code delivered} covers it; returns whether it did. */
  boolean remove(NodeId target, StorageKey key, VersionSet delivered) throws RocksDBException {
    Optional<Integer> storeId = storeIds.find(key.store());
    if (storeId.isEmpty()) {
      return false;
    }
    byte[] hintKey = KeyLayout.hintKey(target, KeyLayout.dataKey(storeId.get(), key));
    ReentrantLock lock = stripe.apply(hintKey);
    lock.lock();
    try {
      if (db.get(hints, hintKey) == null) {
        return false;
      }
      // A corrupt hint holds nothing deliverable: removing it loses nothing.
      Optional<VersionSet> held = read(hintKey, target, key);
      if (held.isPresent() && !delivered.merge(held.get()).equals(delivered)) {
        return false; // a newer hint was merged in after delivery began
      }
      db.delete(hints, writeOptions, hintKey);
      return true;
    } finally {
      lock.unlock();
    }
  }

  private Optional<VersionSet> read(byte[] hintKey, NodeId target, StorageKey key) throws RocksDBException {
    byte[] held = db.get(hints, hintKey);
    if (held == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(VersionSetCodec.decodeSharing(held));
    } catch (DecodeException e) {
      log.error("ignoring a corrupt hint for {} of {}: {}", target, key, e.getMessage());
      return Optional.empty();
    }
  }

  List<Hint> list(NodeId target, int limit) throws RocksDBException {
    List<Hint> out = new ArrayList<>();
    byte[] prefix = KeyLayout.hintPrefix(target);
    try (RocksIterator it = db.newIterator(hints)) {
      for (it.seek(prefix); out.size() < limit && it.isValid() && KeyLayout.startsWith(it.key(), prefix); it.next()) {
        byte[] k = it.key();
        Optional<String> store = storeIds.name(KeyLayout.storeIdOf(k, prefix.length));
        if (store.isEmpty()) {
          log.error("skipping a hint for {} with an unknown store id", target);
          continue;
        }
        StorageKey key = KeyLayout.decodeDataKey(store.get(), k, prefix.length);
        try {
          out.add(new Hint(target, key, VersionSetCodec.decodeSharing(it.value())));
        } catch (DecodeException e) {
          log.error("skipping a corrupt hint for {} of {}: {}", target, key, e.getMessage());
        }
      }
      it.status();
    }
    return out;
  }

  /** Counts the hints held for {@code target} and their bytes, without decoding them. */
  ClusterStatus.HintBacklog backlog(NodeId target) throws RocksDBException {
    long count = 0;
    long bytes = 0;
    byte[] prefix = KeyLayout.hintPrefix(target);
    try (RocksIterator it = db.newIterator(hints)) {
      for (it.seek(prefix); it.isValid() && KeyLayout.startsWith(it.key(), prefix); it.next()) {
        count++;
        bytes += it.value().length;
      }
      it.status();
    }
    return new ClusterStatus.HintBacklog(count, bytes);
  }

  Set<NodeId> targets() throws RocksDBException {
    Set<NodeId> out = new TreeSet<>();
    try (RocksIterator it = db.newIterator(hints)) {
      it.seekToFirst();
      while (it.isValid()) {
        NodeId target = KeyLayout.hintTarget(it.key());
        out.add(target);
        byte[] after = KeyLayout.next(KeyLayout.hintPrefix(target));
        if (after == null) {
          break;
        }
        it.seek(after);
      }
      it.status();
    }
    return Collections.unmodifiableSet(out);
  }
}
