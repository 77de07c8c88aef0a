package io.dynamokv.storage.rocksdb;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.KeyMayExist;
import org.rocksdb.RocksDB;

/**
 * Digests of keys' stored sets read from memory without an array for the set: {@code KeyMayExist}
 * copies the bytes it finds in a memtable or the block cache into this thread's direct buffer, and
 * they are hashed from a copy in this thread's scratch array. A client's read at R=2 asks one
 * primary for its set and another for its digest, so on a read-heavy node every other read was
 * one array of a whole set, garbage at once.
 *
 * <p>The transport's I/O threads call it; each keeps its buffers while it lives.
 */
final class MemoryDigests {

  /** The largest set digested from this thread's buffers; a larger one is left to a request thread. */
  static final int LARGEST_BUFFERED = 256 << 10;
  private static final int FIRST_BUFFER_BYTES = 16 << 10;
  private static final int KEY_BUFFER_BYTES = 4 << 10;

  private final RocksDB db;
  private final ColumnFamilyHandle data;
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  MemoryDigests(RocksDB db, ColumnFamilyHandle data) {
    this.db = db;
    this.data = data;
  }

  /** One thread's buffers: the key's, the value's (grown up to the largest buffered), and a heap copy. */
  private static final class Buffers {
    final ByteBuffer key = ByteBuffer.allocateDirect(KEY_BUFFER_BYTES);
    ByteBuffer value = ByteBuffer.allocateDirect(FIRST_BUFFER_BYTES);
    byte[] copy = new byte[FIRST_BUFFER_BYTES];
  }

  /**
   * Returns the digest of the set stored at {@code dataKey} if the memtables and the block cache
   * hold it, 0 if the key is known absent; empty if finding out would read a table file, if the
   * lookup fails (the read on a request thread reports it), or if the set is larger than
   * {@link #LARGEST_BUFFERED} (rare: a request thread digests it).
   */
  Optional<Long> digest(byte[] dataKey) {
    Buffers b = buffers.get();
    if (dataKey.length > b.key.capacity()) {
      return Optional.empty(); // longer than any key the node's limits let in
    }
    b.key.clear();
    b.key.put(dataKey).flip();
    b.value.clear();
    KeyMayExist found;
    try {
      found = db.keyMayExist(data, b.key, b.value);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    switch (found.exists) {
      case kNotExist:
        return Optional.of(0L);
      case kExistsWithoutValue:
        return Optional.empty();
      default:
        break;
    }
    int length = found.valueLength;
    if (length > b.value.capacity()) {
      if (length > LARGEST_BUFFERED) {
        return Optional.empty();
      }
      b.value = ByteBuffer.allocateDirect(Math.max(length, b.value.capacity() * 2));
      b.copy = new byte[b.value.capacity()];
      return digest(dataKey); // again, into the grown buffer
    }
    b.value.get(0, b.copy, 0, length);
    return Optional.of(UpdateBatch.digest(dataKey, b.copy, length));
  }
}
