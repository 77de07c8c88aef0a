package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * Gives each store name a 4-byte id, so data keys carry a short fixed prefix instead of the
 * name. Ids are assigned on a store's first write and kept in the meta column family
 * ({@code store/<name>} to the id), fsync'd before any key uses them.
 *
 * <p>Thread-safe: lookups are lock-free; assignment is serialized.
 */
final class StoreIds {

  static final String USER_PREFIX = "user/";
  private static final String STORE_PREFIX = "store/";
  // The highest id ever assigned: a dropped store's id is never given to another, so nothing
  // left of it (a write that raced the drop) can ever read as another store's.
  private static final byte[] HIGHEST_ID = "store-id/highest".getBytes(StandardCharsets.UTF_8);

  private final RocksDB db;
  private final ColumnFamilyHandle meta;
  private final WriteOptions syncWrite;
  private final ConcurrentHashMap<String, Integer> byName = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, String> byId = new ConcurrentHashMap<>();
  private int highest;

  StoreIds(RocksDB db, ColumnFamilyHandle meta, WriteOptions syncWrite) throws RocksDBException {
    this.db = db;
    this.meta = meta;
    this.syncWrite = syncWrite;
    byte[] prefix = STORE_PREFIX.getBytes(StandardCharsets.UTF_8);
    try (RocksIterator it = db.newIterator(meta)) {
      for (it.seek(prefix); it.isValid() && KeyLayout.startsWith(it.key(), prefix); it.next()) {
        String name = new String(it.key(), prefix.length, it.key().length - prefix.length, StandardCharsets.UTF_8);
        byte[] v = it.value();
        if (v.length != 4) {
          throw new StorageException("metadata of store " + name + " is corrupt: " + v.length + " bytes (expected: 4)");
        }
        int id = KeyLayout.storeIdOf(v, 0);
        byName.put(name, id);
        byId.put(id, name);
      }
      it.status();
    }
    byte[] kept = db.get(meta, HIGHEST_ID);
    highest = kept != null && kept.length == 4 ? KeyLayout.storeIdOf(kept, 0) : 0;
  }

  /** Forgets {@code store}'s name and id (its data is gone); its id is never assigned again. */
  synchronized void forget(String store) throws RocksDBException {
    Integer id = byName.get(store);
    if (id == null) {
      return;
    }
    highest = Math.max(highest, id);
    db.put(meta, syncWrite, HIGHEST_ID, KeyLayout.storePrefix(highest));
    db.delete(meta, syncWrite, (STORE_PREFIX + store).getBytes(StandardCharsets.UTF_8));
    byName.remove(store);
    byId.remove(id);
  }

  Optional<Integer> find(String store) {
    return Optional.ofNullable(byName.get(store));
  }

  Optional<String> name(int id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Returns the names and ids of every store ever written. */
  Map<String, Integer> names() {
    return new TreeMap<>(byName);
  }

  /** Returns the id of {@code store}, assigning and persisting one on first use. */
  int idFor(String store) throws RocksDBException {
    Integer id = byName.get(store);
    if (id != null) {
      return id;
    }
    synchronized (this) {
      id = byName.get(store);
      if (id != null) {
        return id;
      }
      int next = Math.max(highest, byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(0)) + 1;
      db.put(meta, syncWrite, (STORE_PREFIX + store).getBytes(StandardCharsets.UTF_8), KeyLayout.storePrefix(next));
      byId.put(next, store);
      byName.put(store, next);
      return next;
    }
  }
}
