package io.dynamokv.scenario;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.ScanVisitor;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.version.VersionSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * An in-memory engine that outlives its node: closing the node leaves the data, as a disk
 * would, so a simulated node can be killed and restarted on the same data. Setting
 * {@link #clean} to false makes it report that its node did not stop cleanly.
 */
public final class KeepOpenStorage implements StorageEngine {

  private final StorageEngine delegate;
  /** Whether the engine reports that its node stopped cleanly. */
  public volatile boolean clean = true;

  /** Wraps {@code delegate}. */
  public KeepOpenStorage(StorageEngine delegate) {
    this.delegate = delegate;
  }

  @Override public Optional<VersionSet> get(StorageKey key) { return delegate.get(key); }
  @Override public CompletableFuture<VersionSet> update(StorageKey key, UnaryOperator<VersionSet> change) { return delegate.update(key, change); }
  @Override public void scan(ScanRange range, ScanVisitor visitor) { delegate.scan(range, visitor); }
  @Override public long[] merkleLeaves(String store, int partition) { return delegate.merkleLeaves(store, partition); }
  @Override public CompletableFuture<Void> dropPartition(String store, int partition) { return delegate.dropPartition(store, partition); }
  @Override public Set<String> stores() { return delegate.stores(); }
  @Override public CompletableFuture<Void> putHint(NodeId target, StorageKey key, VersionSet versions) { return delegate.putHint(target, key, versions); }
  @Override public List<Hint> hints(NodeId target, int limit) { return delegate.hints(target, limit); }
  @Override public Set<NodeId> hintTargets() { return delegate.hintTargets(); }
  @Override public CompletableFuture<Boolean> removeHint(NodeId target, StorageKey key, VersionSet delivered) { return delegate.removeHint(target, key, delivered); }
  @Override public Optional<byte[]> getMetadata(String name) { return delegate.getMetadata(name); }
  @Override public boolean openedAfterCleanClose() { return clean && delegate.openedAfterCleanClose(); }
  @Override public CompletableFuture<Void> putMetadata(String name, byte[] value) { return delegate.putMetadata(name, value); }
  @Override public void close() { }
}
