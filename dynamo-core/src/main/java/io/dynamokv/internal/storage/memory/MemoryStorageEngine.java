package io.dynamokv.internal.storage.memory;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.ScanVisitor;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.VersionSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.UnaryOperator;

/**
 * A {@link StorageEngine} in the heap: real, complete and fast, but gone when the JVM exits.
 * For tests, simulations and caches. Passes the same contract suite as the RocksDB engine.
 *
 * <p>Concurrency: keys live in a concurrent skip list (so scans are ordered and weakly
 * consistent); read-modify-writes of one key are serialized by one of {@value #STRIPES} lock
 * stripes chosen by the key's hash, so writes to different keys rarely wait. Merkle leaves are
 * atomic longs updated by XOR inside the key's lock.
 */
public final class MemoryStorageEngine implements StorageEngine {

  private static final int STRIPES = 256;

  private record PartitionId(String store, int partition) {}

  private record HintKey(NodeId target, StorageKey key) {}

  private final ConcurrentSkipListMap<StorageKey, VersionSet> data = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<PartitionId, AtomicLongArray> leaves = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> keysPerStore = new ConcurrentHashMap<>();
  // Inner maps are never removed, so a put never races with the removal of its target's map.
  private final ConcurrentHashMap<NodeId, ConcurrentSkipListMap<StorageKey, VersionSet>> hints =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, byte[]> metadata = new ConcurrentHashMap<>();
  private final Object[] stripes = new Object[STRIPES];
  private volatile boolean closed;

  /** Creates an empty engine. */
  public MemoryStorageEngine() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
  }

  private Object stripe(Object key) {
    return stripes[Math.floorMod(key.hashCode() * 0x9E3779B9, STRIPES)];
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException("memory storage engine is closed");
    }
  }

  /** Every read is from memory. */
  @Override
  public Optional<VersionSet> getFromMemory(StorageKey key) {
    return Optional.of(get(key).orElse(VersionSet.EMPTY));
  }

  /** Every read is from memory. */
  @Override
  public java.util.OptionalLong digestFromMemory(StorageKey key) {
    return java.util.OptionalLong.of(digest(key));
  }

  @Override
  public Optional<VersionSet> get(StorageKey key) {
    Objects.requireNonNull(key, "key");
    checkOpen();
    return Optional.ofNullable(data.get(key));
  }

  @Override
  public Update apply(StorageKey key, UnaryOperator<VersionSet> change) {
    try {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(change, "change");
      checkOpen();
      synchronized (stripe(key)) {
        VersionSet before = data.getOrDefault(key, VersionSet.EMPTY);
        VersionSet after = Objects.requireNonNull(change.apply(before), "change returned null");
        if (after.equals(before)) {
          return Update.done(before);
        }
        long delta = SegmentDigest.of(key, before);
        if (after.isEmpty()) {
          data.remove(key);
          keysPerStore.computeIfPresent(key.store(), (s, n) -> n == 1 ? null : n - 1);
        } else {
          delta ^= SegmentDigest.of(key, after);
          if (data.put(key, after) == null) {
            keysPerStore.merge(key.store(), 1L, Long::sum);
          }
        }
        leavesOf(key.store(), key.partition()).getAndAccumulate(key.segment(), delta, (a, b) -> a ^ b);
        return Update.done(after);
      }
    } catch (RuntimeException e) {
      return Update.failed(e);
    }
  }

  private AtomicLongArray leavesOf(String store, int partition) {
    return leaves.computeIfAbsent(new PartitionId(store, partition),
        p -> new AtomicLongArray(KeySpace.SEGMENTS_PER_PARTITION));
  }

  @Override
  public void scan(ScanRange range, ScanVisitor visitor) {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(visitor, "visitor");
    checkOpen();
    StorageKey from = range.after().orElse(
        StorageKey.of(range.store(), range.partition(), range.fromSegment(), new byte[] {0}));
    boolean inclusive = range.after().isEmpty();
    for (Map.Entry<StorageKey, VersionSet> e : data.tailMap(from, inclusive).entrySet()) {
      StorageKey k = e.getKey();
      if (!k.store().equals(range.store()) || k.partition() != range.partition()
          || k.segment() >= range.toSegment()) {
        return;
      }
      if (!visitor.visit(k, e.getValue())) {
        return;
      }
    }
  }

  @Override
  public long[] merkleLeaves(String store, int partition) {
    checkOpen();
    AtomicLongArray a = leaves.get(new PartitionId(StorageKey.validateStore(store), partition));
    long[] out = new long[KeySpace.SEGMENTS_PER_PARTITION];
    if (a != null) {
      for (int i = 0; i < out.length; i++) {
        out[i] = a.get(i);
      }
    }
    return out;
  }

  @Override
  public CompletableFuture<Void> dropPartition(String store, int partition) {
    try {
      checkOpen();
      List<StorageKey> keys = new ArrayList<>();
      scan(ScanRange.partition(store, partition), (k, v) -> keys.add(k));
      for (StorageKey k : keys) {
        update(k, v -> VersionSet.EMPTY).join();
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> dropStore(String store) {
    try {
      StorageKey.validateStore(store);
      checkOpen();
      for (StorageKey k : new ArrayList<>(data.keySet())) {
        if (k.store().equals(store)) {
          update(k, v -> VersionSet.EMPTY).join(); // keeps its leaf and the store's count in step
        }
      }
      leaves.keySet().removeIf(id -> id.store().equals(store));
      keysPerStore.remove(store);
      for (var held : hints.entrySet()) {
        for (StorageKey k : new ArrayList<>(held.getValue().keySet())) {
          if (k.store().equals(store)) {
            synchronized (stripe(new HintKey(held.getKey(), k))) {
              held.getValue().remove(k);
            }
          }
        }
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public Set<String> stores() {
    checkOpen();
    return Set.copyOf(new TreeSet<>(keysPerStore.keySet()));
  }

  @Override
  public CompletableFuture<Void> putHint(NodeId target, StorageKey key, VersionSet versions) {
    try {
      Objects.requireNonNull(versions, "versions");
      checkOpen();
      HintKey hk = new HintKey(Objects.requireNonNull(target, "target"), Objects.requireNonNull(key, "key"));
      synchronized (stripe(hk)) {
        hintsFor(target).merge(key, versions, VersionSet::merge);
      }
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public List<Hint> hints(NodeId target, int limit) {
    Objects.requireNonNull(target, "target");
    if (limit < 0) {
      throw new IllegalArgumentException("limit : " + limit + " (expected: >= 0)");
    }
    checkOpen();
    List<Hint> out = new ArrayList<>();
    for (Map.Entry<StorageKey, VersionSet> e : hintsFor(target).entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(new Hint(target, e.getKey(), e.getValue()));
    }
    return out;
  }

  private ConcurrentSkipListMap<StorageKey, VersionSet> hintsFor(NodeId target) {
    return hints.computeIfAbsent(target, t -> new ConcurrentSkipListMap<>());
  }

  @Override
  public Set<NodeId> hintTargets() {
    checkOpen();
    Set<NodeId> targets = new TreeSet<>();
    hints.forEach((target, held) -> {
      if (!held.isEmpty()) {
        targets.add(target);
      }
    });
    return targets;
  }

  @Override
  public CompletableFuture<Boolean> removeHint(NodeId target, StorageKey key, VersionSet delivered) {
    try {
      Objects.requireNonNull(delivered, "delivered");
      checkOpen();
      HintKey hk = new HintKey(Objects.requireNonNull(target, "target"), Objects.requireNonNull(key, "key"));
      synchronized (stripe(hk)) {
        ConcurrentSkipListMap<StorageKey, VersionSet> held = hintsFor(target);
        VersionSet current = held.get(key);
        if (current == null || !delivered.merge(current).equals(delivered)) {
          return CompletableFuture.completedFuture(false);
        }
        held.remove(key);
        return CompletableFuture.completedFuture(true);
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Always true: a memory engine is new, and loses nothing while it lives. */
  @Override
  public boolean openedAfterCleanClose() {
    return true;
  }

  @Override
  public Optional<byte[]> getMetadata(String name) {
    Objects.requireNonNull(name, "name");
    checkOpen();
    return Optional.ofNullable(metadata.get(name)).map(byte[]::clone);
  }

  @Override
  public CompletableFuture<Void> putMetadata(String name, byte[] value) {
    try {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      checkOpen();
      metadata.put(name, value.clone());
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  /**
   * Returns a copy of everything this engine holds (data, Merkle leaves, hints, metadata), as a
   * copy of a stopped node's data directory would be: for tests that restore a node from a backup.
   */
  public MemoryStorageEngine copy() {
    MemoryStorageEngine copy = new MemoryStorageEngine();
    copy.data.putAll(data); // version sets are immutable
    leaves.forEach((p, l) -> {
      AtomicLongArray c = new AtomicLongArray(l.length());
      for (int i = 0; i < l.length(); i++) {
        c.set(i, l.get(i));
      }
      copy.leaves.put(p, c);
    });
    copy.keysPerStore.putAll(keysPerStore);
    hints.forEach((target, held) -> copy.hints.put(target, new ConcurrentSkipListMap<>(held)));
    metadata.forEach((name, value) -> copy.metadata.put(name, value.clone()));
    return copy;
  }

  @Override
  public String toString() {
    return "MemoryStorageEngine{keys=" + data.size() + ", hintTargets=" + hints.size() + "}";
  }
}
