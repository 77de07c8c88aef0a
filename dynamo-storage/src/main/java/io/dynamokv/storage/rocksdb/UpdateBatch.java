package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a group of queued updates as one RocksDB write batch: for each, lock the key's stripe,
 * read its set (from this batch if an earlier update of the group changed it, else from the
 * database), apply the change, and put the new set in the batch; then write the batch, XOR the
 * changes of the keys' digests into their Merkle leaves, unlock, and complete the updates'
 * {@code applied} futures. A failing change fails only its own update; a failing write fails
 * every update of the batch.
 *
 * <p>Stripes stay locked until the batch is written, so a reader-then-writer elsewhere (a
 * dropped partition, a leaf rebuild, a hint) never sees a set that is about to change under it.
 * A stripe that is busy is not waited for while others are held (that could deadlock with a
 * thread taking every stripe): the batch so far is written and released first.
 *
 * <p>Used by the writer thread only ({@link GroupCommit}).
 */
final class UpdateBatch implements GroupCommit.Writer, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UpdateBatch.class);

  private static final int KEEP_BUFFER_BYTES = 1 << 20;

  /** A key's set once the batch is written (empty: deleted), and that set's digest. */
  private record Pending(VersionSet set, long digest) {}

  private final RocksDB db;
  private final ColumnFamilyHandle data;
  private final WriteOptions writeOptions;
  private final StoreIds storeIds;
  private final LeafTable leaves;
  private final Function<byte[], ReentrantLock> stripe;
  private final AtomicLong partitionDrops;
  private final RecentSets recent;
  private long dropsSeen;
  private final WriteBatch batch = new WriteBatch();
  private final Map<ByteBuffer, Pending> written = new HashMap<>();
  private final List<ReentrantLock> held = new ArrayList<>();
  private final List<GroupCommit.Queued> members = new ArrayList<>();
  private final List<VersionSet> results = new ArrayList<>();
  private long[] leafChanges = new long[64];
  // Reused by the writer thread for every update: the new set's encoding, and the direct
  // buffers RocksDB reads the key and the encoding from.
  private ByteWriter encoding = new ByteWriter(1024);
  private ByteBuffer directKey = ByteBuffer.allocateDirect(512);
  private ByteBuffer directValue = ByteBuffer.allocateDirect(16 << 10);
  private int leafChangeCount;
  private boolean wrote;
  private volatile long batchesWritten;
  private volatile long bytesWritten;

  UpdateBatch(RocksDB db, ColumnFamilyHandle data, WriteOptions writeOptions, StoreIds storeIds, LeafTable leaves,
      Function<byte[], ReentrantLock> stripe, AtomicLong partitionDrops, int recentSetsBytes) {
    this.db = db;
    this.data = data;
    this.writeOptions = writeOptions;
    this.storeIds = storeIds;
    this.leaves = leaves;
    this.stripe = stripe;
    this.partitionDrops = partitionDrops;
    this.dropsSeen = partitionDrops.get();
    this.recent = new RecentSets(recentSetsBytes);
  }

  /**
   * The bytes of the batches this writer has written (keys, values, and RocksDB's framing of each
   * record); may be read from any thread.
   */
  long bytesWritten() {
    return bytesWritten;
  }

  /** How many RocksDB write batches this writer has written; may be read from any thread. */
  long batchesWritten() {
    return batchesWritten;
  }

  /** The cache of recently read and written sets; its counters may be read from any thread. */
  RecentSets recentSets() {
    return recent;
  }

  @Override
  public boolean write(List<GroupCommit.Queued> group) {
    wrote = false;
    for (GroupCommit.Queued q : group) {
      if (!q.isSync()) {
        add(q);
      }
    }
    flush();
    return wrote;
  }

  private void add(GroupCommit.Queued q) {
    try {
      int storeId = storeIds.idFor(q.key.store());
      byte[] dataKey = KeyLayout.dataKey(storeId, q.key);
      lock(stripe.apply(dataKey));
      long drops = partitionDrops.get();
      if (drops != dropsSeen) { // a dropped partition's keys are gone from the database
        recent.clear();
        dropsSeen = drops;
      }
      ByteBuffer name = ByteBuffer.wrap(dataKey);
      Pending earlier = written.get(name);
      VersionSet before;
      long beforeDigest;
      boolean corrupt = false;
      if (earlier != null) {
        before = earlier.set();
        beforeDigest = earlier.digest();
      } else if (recent.find(dataKey)) {
        before = recent.storedLength() < 0 ? VersionSet.EMPTY
            : VersionSetCodec.decode(recent.ring(), recent.storedOffset(), recent.storedLength());
        beforeDigest = recent.digest();
      } else {
        byte[] stored = db.get(data, dataKey);
        before = VersionSet.EMPTY;
        beforeDigest = stored == null ? 0 : digest(dataKey, stored, stored.length);
        if (stored != null) {
          try {
            before = VersionSetCodec.decodeSharing(stored); // RocksDB's array, used by nothing else
          } catch (DecodeException e) {
            corrupt = true;
            log.error("replacing the corrupt stored value of {}: {}", q.key, e.getMessage());
          }
        }
        if (!corrupt) {
          recent.remember(dataKey, stored, beforeDigest);
        }
      }
      VersionSet after = Objects.requireNonNull(q.change.apply(before), "change returned null");
      if (!after.equals(before) || corrupt) {
        long afterDigest;
        if (after.isEmpty()) {
          afterDigest = 0;
          batch.delete(data, dataKey);
          recent.remember(dataKey, null, 0); // forgotten again if the write fails
        } else {
          encoding.reset();
          VersionSetCodec.writeTo(encoding, after);
          byte[] encoded = encoding.array();
          int length = encoding.size();
          afterDigest = digest(dataKey, encoded, length);
          put(dataKey, encoded, length);
          recent.remember(dataKey, encoded, length, afterDigest); // forgotten again if the write fails
          if (encoding.capacity() > KEEP_BUFFER_BYTES) { // a large set: do not keep its room for every small one
            encoding = new ByteWriter(1024);
            directValue = ByteBuffer.allocateDirect(16 << 10);
          }
        }
        written.put(name, new Pending(after, afterDigest));
        addLeafChange(LeafTable.id(storeId, q.key.partition()), q.key.segment(), afterDigest ^ beforeDigest);
      }
      // An unchanged set also completes with the batch: what it found may be this batch's.
      members.add(q);
      results.add(after);
    } catch (RocksDBException e) {
      q.fail(new StorageException("update of " + q.key + " failed: " + e.getMessage(), e));
    } catch (RuntimeException e) {
      q.fail(e);
    }
  }

  /**
   * Puts the key and the first {@code length} bytes of {@code encoded} in the batch through
   * reused direct buffers: no array per update, and no copy in and out of the JNI array calls.
   */
  private void put(byte[] dataKey, byte[] encoded, int length) throws RocksDBException {
    if (directKey.capacity() < dataKey.length) {
      directKey = ByteBuffer.allocateDirect(Math.max(dataKey.length, directKey.capacity() * 2));
    }
    if (directValue.capacity() < length) {
      directValue = ByteBuffer.allocateDirect(Math.max(length, directValue.capacity() * 2));
    }
    directKey.clear();
    directKey.put(dataKey).flip();
    directValue.clear();
    directValue.put(encoded, 0, length).flip();
    batch.put(data, directKey, directValue);
  }

  /** The key's digest with the first {@code length} bytes of {@code stored}, hashing the key where the data key holds it. */
  static long digest(byte[] dataKey, byte[] stored, int length) {
    return SegmentDigest.of(dataKey, KeyLayout.SEGMENT_PREFIX, dataKey.length - KeyLayout.SEGMENT_PREFIX, stored, length);
  }

  private void lock(ReentrantLock lock) {
    if (lock.isHeldByCurrentThread()) {
      return;
    }
    if (!lock.tryLock()) {
      flush();
      lock.lock();
    }
    held.add(lock);
  }

  private void addLeafChange(long partitionId, int segment, long change) {
    if (leafChangeCount + 3 > leafChanges.length) {
      leafChanges = java.util.Arrays.copyOf(leafChanges, leafChanges.length * 2);
    }
    leafChanges[leafChangeCount++] = partitionId;
    leafChanges[leafChangeCount++] = segment;
    leafChanges[leafChangeCount++] = change;
  }

  /** Writes the batch so far, then releases its stripes and completes its updates' {@code applied}. */
  private void flush() {
    RuntimeException failure = null;
    try {
      if (batch.count() > 0) {
        wrote = true; // even if the write fails: part of it may be in the log
        long bytes = batch.getDataSize();
        db.write(writeOptions, batch);
        batchesWritten++; // this thread is the only writer of the counters
        bytesWritten += bytes;
      }
      for (int i = 0; i < leafChangeCount; i += 3) {
        leaves.xor(leafChanges[i], (int) leafChanges[i + 1], leafChanges[i + 2]);
      }
    } catch (RocksDBException e) {
      recent.clear(); // it holds what this batch would have written
      failure = new StorageException("write of a batch of " + members.size() + " updates failed: " + e.getMessage(), e);
    } finally {
      batch.clear();
      written.clear();
      leafChangeCount = 0;
      for (ReentrantLock lock : held) {
        lock.unlock();
      }
      held.clear();
    }
    // Callbacks run here but never re-enter this batch (new updates only queue).
    for (int i = 0; i < members.size(); i++) {
      if (failure == null) {
        members.get(i).applied.complete(results.get(i));
      } else {
        members.get(i).fail(failure);
      }
    }
    members.clear();
    results.clear();
  }

  @Override
  public void close() {
    batch.close();
  }
}
