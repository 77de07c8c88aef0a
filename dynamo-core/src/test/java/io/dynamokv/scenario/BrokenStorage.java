package io.dynamokv.scenario;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.ScanVisitor;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.Sibling;
import io.dynamokv.spi.version.VersionSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/** Storage engines broken on purpose, for showing that the checkers catch what they claim to. */
final class BrokenStorage implements StorageEngine {

  private final StorageEngine delegate;
  private final boolean dropWrites;
  private final boolean hideHints;
  private java.util.concurrent.atomic.AtomicBoolean failNextListing = new java.util.concurrent.atomic.AtomicBoolean();

  private BrokenStorage(StorageEngine delegate, boolean dropWrites, boolean hideHints) {
    this.delegate = delegate;
    this.dropWrites = dropWrites;
    this.hideHints = hideHints;
  }

  /** Acknowledges, but does not store, any write carrying one of the elements picked by hash (about 1%). */
  static StorageEngine dropsOneWriteInAHundred(StorageEngine engine) {
    return new BrokenStorage(engine, true, false);
  }

  /**
   * Engines whose next listing of stores fails once {@code armed} is set (one listing in all,
   * whichever engine makes it), as an anti-entropy pass that ran out of memory did.
   */
  static java.util.function.UnaryOperator<StorageEngine> failingNextListingOnceArmed(
      java.util.concurrent.atomic.AtomicBoolean armed) {
    return engine -> {
      BrokenStorage broken = new BrokenStorage(engine, false, false);
      broken.failNextListing = armed;
      return broken;
    };
  }

  /** Stores hints but never hands them out, so they are never delivered. */
  static StorageEngine neverDeliversHints(StorageEngine engine) {
    return new BrokenStorage(engine, false, true);
  }

  private static boolean doomed(VersionSet v) {
    for (Sibling s : v.values()) {
      for (String element : new String(s.value(), StandardCharsets.UTF_8).split(",")) {
        if (!element.isEmpty() && Math.floorMod(element.hashCode(), 100) == 0) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public Update apply(StorageKey key, UnaryOperator<VersionSet> change) {
    if (dropWrites) {
      VersionSet current = delegate.get(key).orElse(VersionSet.EMPTY);
      if (doomed(change.apply(current))) {
        return Update.done(current); // acknowledged, not stored
      }
    }
    return delegate.apply(key, change);
  }

  @Override public List<Hint> hints(NodeId target, int limit) { return hideHints ? List.of() : delegate.hints(target, limit); }
  @Override public Set<NodeId> hintTargets() { return hideHints ? Set.of() : delegate.hintTargets(); }
  @Override public Optional<VersionSet> get(StorageKey key) { return delegate.get(key); }
  @Override public void scan(ScanRange range, ScanVisitor visitor) { delegate.scan(range, visitor); }
  @Override public long[] merkleLeaves(String store, int partition) { return delegate.merkleLeaves(store, partition); }
  @Override public CompletableFuture<Void> dropPartition(String store, int partition) { return delegate.dropPartition(store, partition); }
  @Override public CompletableFuture<Void> dropStore(String store) { return delegate.dropStore(store); }
  @Override public Set<String> stores() {
    if (failNextListing.compareAndSet(true, false)) {
      throw new IllegalStateException("broken on purpose: the first listing of stores fails");
    }
    return delegate.stores();
  }
  @Override public CompletableFuture<Void> putHint(NodeId target, StorageKey key, VersionSet versions) { return delegate.putHint(target, key, versions); }
  @Override public CompletableFuture<Boolean> removeHint(NodeId target, StorageKey key, VersionSet delivered) { return delegate.removeHint(target, key, delivered); }
  @Override public Optional<byte[]> getMetadata(String name) { return delegate.getMetadata(name); }
  @Override public boolean openedAfterCleanClose() { return delegate.openedAfterCleanClose(); }
  @Override public CompletableFuture<Void> putMetadata(String name, byte[] value) { return delegate.putMetadata(name, value); }
  @Override public void close() { delegate.close(); }
}
