package io.dynamokv.testkit;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.ScanVisitor;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A simulated disk: wraps a storage engine so that a simulated node can crash and lose what it
 * had not yet synced, as a real one does under SIGKILL with group commit.
 *
 * <p>An update applies at once (reads see it, and its {@code applied} completes; the delegate
 * must apply on the caller's thread, as the in-memory engine does) but becomes durable only at the next simulated
 * fsync, {@code fsyncDelay} after the first unsynced write (one fsync covers every write waiting,
 * like group commit); only then does its future complete. {@link #crash()} undoes every update
 * not yet durable, fails their futures, and makes the next start report an unclean stop, so the
 * node takes a new incarnation. {@link #close()} is a clean stop that keeps the data, so the
 * node can be started again on it. Hints and metadata are durable at once (the simplification
 * this model makes).
 *
 * <p>Runs on the simulation's single thread; synchronized for safety.
 */
public final class CrashableStorage implements StorageEngine {

  private final StorageEngine delegate;
  private final Scheduler scheduler;
  private final Duration fsyncDelay;
  private final Map<StorageKey, VersionSet> undo = new HashMap<>();
  private final List<CompletableFuture<VersionSet>> waiting = new ArrayList<>();
  private final List<VersionSet> results = new ArrayList<>();
  private boolean fsyncScheduled;
  private boolean crashedSinceStart;
  private long lostWrites;

  /** Wraps {@code delegate}; fsyncs run on {@code scheduler} {@code fsyncDelay} apart (zero: every write durable at once). */
  public CrashableStorage(StorageEngine delegate, Scheduler scheduler, Duration fsyncDelay) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.fsyncDelay = Objects.requireNonNull(fsyncDelay, "fsyncDelay");
  }

  /** Undoes the writes not yet durable, as a crash would lose them; the next start is unclean. */
  public synchronized void crash() {
    for (Map.Entry<StorageKey, VersionSet> e : undo.entrySet()) {
      VersionSet before = e.getValue();
      delegate.update(e.getKey(), v -> before);
      lostWrites++;
    }
    undo.clear();
    List<CompletableFuture<VersionSet>> lost = new ArrayList<>(waiting);
    waiting.clear();
    results.clear();
    crashedSinceStart = true;
    lost.forEach(f -> f.completeExceptionally(new io.dynamokv.spi.StorageException("crashed before fsync")));
  }

  /**
   * Returns a copy of what this disk holds, as a backup of a stopped node's data directory would
   * be; a new {@code CrashableStorage} around it restores the node from it.
   *
   * @throws UnsupportedOperationException if this disk is not on the in-memory engine
   */
  public synchronized StorageEngine copy() {
    if (!(delegate instanceof io.dynamokv.internal.storage.memory.MemoryStorageEngine memory)) {
      throw new UnsupportedOperationException("copy of a " + delegate.getClass().getSimpleName()
          + " (expected: the in-memory engine)");
    }
    return memory.copy();
  }

  /** Returns how many keys crashes have rolled back so far. */
  public synchronized long lostWrites() {
    return lostWrites;
  }

  @Override
  public synchronized Update apply(StorageKey key, UnaryOperator<VersionSet> change) {
    if (fsyncDelay.isZero()) {
      return delegate.apply(key, change);
    }
    VersionSet before = delegate.get(key).orElse(VersionSet.EMPTY);
    CompletableFuture<VersionSet> applied = delegate.apply(key, change).applied();
    if (applied.isCompletedExceptionally()) {
      return new Update(applied, applied);
    }
    undo.putIfAbsent(key, before);
    CompletableFuture<VersionSet> durable = new CompletableFuture<>();
    waiting.add(durable);
    results.add(applied.join());
    if (!fsyncScheduled) {
      fsyncScheduled = true;
      scheduler.schedule(fsyncDelay, this::fsync);
    }
    return new Update(applied, durable);
  }

  private void fsync() {
    List<CompletableFuture<VersionSet>> done;
    List<VersionSet> values;
    synchronized (this) {
      fsyncScheduled = false;
      undo.clear();
      done = new ArrayList<>(waiting);
      values = new ArrayList<>(results);
      waiting.clear();
      results.clear();
    }
    for (int i = 0; i < done.size(); i++) {
      done.get(i).complete(values.get(i));
    }
  }

  @Override
  public boolean openedAfterCleanClose() {
    synchronized (this) {
      if (crashedSinceStart) {
        crashedSinceStart = false; // reported once, to the start that follows the crash
        return false;
      }
    }
    return delegate.openedAfterCleanClose();
  }

  @Override public Optional<VersionSet> get(StorageKey key) { return delegate.get(key); }
  @Override public long digest(StorageKey key) { return delegate.digest(key); }
  @Override public Optional<VersionSet> getFromMemory(StorageKey key) { return delegate.getFromMemory(key); }
  @Override public java.util.OptionalLong digestFromMemory(StorageKey key) { return delegate.digestFromMemory(key); }
  @Override public void scan(ScanRange range, ScanVisitor visitor) { delegate.scan(range, visitor); }
  @Override public long[] merkleLeaves(String store, int partition) { return delegate.merkleLeaves(store, partition); }
  @Override public CompletableFuture<Void> dropPartition(String store, int partition) { return delegate.dropPartition(store, partition); }
  @Override public CompletableFuture<Void> dropStore(String store) { return delegate.dropStore(store); }
  @Override public Set<String> stores() { return delegate.stores(); }
  @Override public Map<String, Long> metrics() { return delegate.metrics(); }
  @Override public CompletableFuture<Void> putHint(NodeId target, StorageKey key, VersionSet versions) { return delegate.putHint(target, key, versions); }
  @Override public List<Hint> hints(NodeId target, int limit) { return delegate.hints(target, limit); }
  @Override public Set<NodeId> hintTargets() { return delegate.hintTargets(); }
  @Override public io.dynamokv.ClusterStatus.HintBacklog hintBacklog(NodeId target) {
    return delegate.hintBacklog(target);
  }
  @Override public CompletableFuture<Boolean> removeHint(NodeId target, StorageKey key, VersionSet delivered) { return delegate.removeHint(target, key, delivered); }
  @Override public Optional<byte[]> getMetadata(String name) { return delegate.getMetadata(name); }
  @Override public CompletableFuture<Void> putMetadata(String name, byte[] value) { return delegate.putMetadata(name, value); }

  /** A clean stop: the data stays for the next start. */
  @Override
  public void close() {
    // The simulated disk outlives the node.
  }
}
