package io.dynamokv.spi;

import io.dynamokv.ClusterStatus;
import io.dynamokv.NodeId;
import io.dynamokv.internal.storage.memory.MemoryStorageEngine;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A node's local storage: per store and key, the key's {@link VersionSet}; hints for other
 * nodes; and a little node metadata. Implemented by the in-memory engine of the core and the
 * RocksDB engine of {@code dynamo-storage}; both pass {@code StorageEngineContract}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Atomic read-modify-write.</b> {@link #apply} applies its function to the current set
 *       of one key with no other update of that key in between. Updates of different keys do not
 *       wait for each other.
 *   <li><b>Idempotence.</b> An update whose function returns a set equal to the current one
 *       writes nothing. Replicas merge ({@code current.merge(incoming)}), so storing a version set
 *       twice, or one that is dominated, changes nothing.
 *   <li><b>Durability.</b> A write's future completes once the write is as durable as the engine
 *       is configured to make it (for example, fsync'd); only then may it be acknowledged.
 *   <li><b>Order.</b> Keys are kept in {@link StorageKey} order, so a partition, or one of its
 *       Merkle segments, is scanned as one contiguous range.
 *   <li><b>Merkle leaves.</b> Each partition has {@code KeySpace.SEGMENTS_PER_PARTITION} leaves;
 *       leaf {@code s} is the XOR of {@code SegmentDigest.of(key, encoded set)} over the keys of
 *       segment {@code s}, updated in the same write as the data.
 *   <li><b>Errors.</b> Methods that return a future never throw; they complete it exceptionally.
 *       A stored value that does not decode is a {@link CorruptValueException} naming the key.
 * </ul>
 *
 * <p>Thread-safe: called from request-handler and scheduler threads at once.
 */
public interface StorageEngine extends AutoCloseable {

  /**
   * Returns the stored set of {@code key}, or empty if nothing is stored.
   *
   * @throws CorruptValueException if the stored bytes do not decode
   */
  Optional<VersionSet> get(StorageKey key);

  /**
   * Returns the digest of {@code key}'s stored set, {@link SegmentDigest#of} of its canonical
   * encoding (the digest its Merkle leaf holds), or 0 if nothing is stored: what a replica answers
   * a client's digest read with. Replicas holding equal sets return equal digests. An engine that
   * hashes its stored bytes without decoding them may return the digest of a corrupt value, which
   * then differs from the other replicas', and the read goes through a coordinator.
   *
   * @throws CorruptValueException if the engine decodes the stored bytes and they do not decode
   */
  default long digest(StorageKey key) {
    return get(key).map(set -> SegmentDigest.of(key, set)).orElse(0L);
  }

  /**
   * Reads {@code key} if this engine can from memory now (a cache, a memtable, or a key known
   * absent): its stored set, {@link VersionSet#EMPTY} if it has none; or empty, without reading
   * anything, if the read would wait for the disk. A node serves a client's read that this
   * answers on an I/O thread, and hands the others to a thread that may wait, which reads with
   * {@link #get}. Never waits. The default, empty, is always safe.
   *
   * @throws CorruptValueException as {@link #get}
   */
  default Optional<VersionSet> getFromMemory(StorageKey key) {
    return Optional.empty();
  }

  /**
   * {@link #digest} of {@code key} if this engine can read it from memory now, as
   * {@link #getFromMemory} reads; empty if it would wait for the disk. Never waits. The default,
   * empty, is always safe.
   *
   * @throws CorruptValueException as {@link #digest}
   */
  default java.util.OptionalLong digestFromMemory(StorageKey key) {
    return java.util.OptionalLong.empty();
  }

  /**
   * Atomically replaces the set of {@code key} with {@code change} applied to it. The function
   * receives {@link VersionSet#EMPTY} for an absent key; returning {@code EMPTY} removes the key.
   * It must be quick and free of side effects: it runs while the key is locked, and may run on
   * another thread (the RocksDB engine applies updates in batches on its writer thread).
   *
   * <p>Returns without waiting for I/O, so an I/O thread may call it. The result's
   * {@link Update#applied() applied} completes once later reads and updates of the key see the
   * change, its {@link Update#durable() durable} once the change is also durable.
   */
  Update apply(StorageKey key, UnaryOperator<VersionSet> change);

  /**
   * {@link #apply} for callers that need only the durable moment.
   *
   * @return a future of the stored set after the change, completed once it is durable
   */
  default CompletableFuture<VersionSet> update(StorageKey key, UnaryOperator<VersionSet> change) {
    return apply(key, change).durable();
  }

  /**
   * Visits the keys of {@code range} in order until the visitor returns false. The visitor sees a
   * consistent snapshot where the engine can give one, and at least every key that was stored
   * before the scan began and not changed during it.
   */
  void scan(ScanRange range, ScanVisitor visitor);

  /**
   * The number of Merkle leaves (segments) of a partition, fixed by the on-disk format: a key's
   * segment is {@link StorageKey#segment()}, and a leaf is the XOR of the
   * {@link io.dynamokv.spi.version.SegmentDigest digests} of its keys.
   */
  int SEGMENTS_PER_PARTITION = 256;

  /**
   * Returns a new, empty engine that keeps everything in memory: for tests, simulations and
   * caches of data that can be lost: nothing survives {@link #close()} or the JVM. It passes the
   * same contract suite as the RocksDB engine.
   */
  static StorageEngine inMemory() {
    return new MemoryStorageEngine();
  }

  /**
   * Returns a copy of the Merkle leaves of one store's partition, {@link #SEGMENTS_PER_PARTITION}
   * of them (zeros where it is empty).
   */
  long[] merkleLeaves(String store, int partition);

  /** Removes every key of one store's partition, for instance after handing it to its new owner. */
  CompletableFuture<Void> dropPartition(String store, int partition);

  /**
   * Removes everything this engine holds of {@code store}: its keys in every partition, their
   * Merkle leaves, the hints held for its keys, and whatever it keeps for the name, so that a
   * dropped store costs no state. A write to the store afterwards creates it anew.
   */
  CompletableFuture<Void> dropStore(String store);

  /** Returns the names of the stores that hold at least one key. */
  Set<String> stores();

  /**
   * Stores {@code versions} for delivery to {@code target}, merged with any hint already held
   * for the same target and key. Durable like an update.
   */
  CompletableFuture<Void> putHint(NodeId target, StorageKey key, VersionSet versions);

  /** Returns up to {@code limit} hints held for {@code target}, in key order. */
  List<Hint> hints(NodeId target, int limit);

  /** Returns the nodes this engine holds hints for. */
  Set<NodeId> hintTargets();

  /**
   * Returns how many hints this engine holds for {@code target} and the bytes they take encoded.
   * Asked for status and metrics, so an engine should answer without decoding the hints; this
   * default reads and encodes them all.
   */
  default ClusterStatus.HintBacklog hintBacklog(NodeId target) {
    long bytes = 0;
    List<Hint> held = hints(target, Integer.MAX_VALUE);
    for (Hint h : held) {
      bytes += VersionSetCodec.encode(h.versions()).length;
    }
    return new ClusterStatus.HintBacklog(held.size(), bytes);
  }

  /**
   * Removes the hint for {@code target} and {@code key} if {@code delivered} covers it: if a newer
   * hint was merged in after {@code delivered} was read, the hint stays, to be delivered again.
   *
   * @return a future of whether the hint was removed
   */
  CompletableFuture<Boolean> removeHint(NodeId target, StorageKey key, VersionSet delivered);

  /**
   * Returns whether the engine was opened on data that its last user closed cleanly (or on no
   * data at all), so that no write it applied can have been lost. After an unclean stop, the
   * node takes a new incarnation: it may have lost writes whose versions other replicas hold.
   */
  boolean openedAfterCleanClose();

  /** Returns the metadata stored under {@code name}, or empty. */
  Optional<byte[]> getMetadata(String name);

  /** Stores {@code value} under {@code name}, durably (fsync'd) whatever the engine's setting. */
  CompletableFuture<Void> putMetadata(String name, byte[] value);

  /**
   * Returns the engine's own counters (each name starting with {@code "storage."}), which the
   * node adds to {@code DynamoNode.metrics()}: what an operator needs to see of the disk's work,
   * such as fsyncs made. None by default. May be called from any thread, also after close.
   */
  default Map<String, Long> metrics() {
    return Map.of();
  }

  /** Releases every resource. Idempotent. Operations after close fail with StorageException. */
  @Override
  void close();
}
