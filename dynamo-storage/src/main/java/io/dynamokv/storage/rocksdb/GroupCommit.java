package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's writer thread: updates are queued from any thread and applied here in groups,
 * each group as one RocksDB write batch (by an {@link UpdateBatch}). With
 * {@link Durability#SYNC} each written group is handed to a {@link WalSyncer}, whose thread
 * makes it durable with one fsync of the write-ahead log for all groups handed over meanwhile,
 * while this thread goes on writing. Queueing never waits for I/O, so I/O threads may submit
 * updates.
 *
 * <p>Why one writer thread: writing each update on its caller's thread cost a RocksDB write (a
 * WAL append, a place in RocksDB's own writer queue) and a lock per update, with callers spinning
 * in RocksDB's write thread on a small machine; a group is one write, and its reads and merges
 * are done by one warm thread.
 *
 * <p>An update's {@code applied} completes on this thread once its group is written (before the
 * fsync), its {@code durable} on the syncer's thread once an fsync covers it (at once with
 * {@link Durability#ASYNC}). {@link #sync()} asks for an fsync covering writes made directly to
 * the database before the call (hints, dropped partitions). Callbacks must not wait for another
 * update on either thread.
 */
final class GroupCommit implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /** Applies a group of queued updates as one write; see {@link UpdateBatch}. */
  interface Writer {
    /**
     * Applies and writes {@code group} without fsync, completing each update's {@code applied}
     * future or failing it; a sync request (no key) is left alone. Returns whether anything was
     * written: a group that only found its sets unchanged read what earlier groups wrote, and
     * needs no fsync of its own (those groups' fsync covers it).
     */
    boolean write(List<Queued> group);
  }

  /** A queued update, or, with no key, a request for an fsync. Touched by the writer thread after queueing. */
  static final class Queued {
    final StorageKey key;
    final UnaryOperator<VersionSet> change;
    final CompletableFuture<VersionSet> applied = new CompletableFuture<>();
    final CompletableFuture<VersionSet> durable = new CompletableFuture<>();

    Queued(StorageKey key, UnaryOperator<VersionSet> change) {
      this.key = key;
      this.change = change;
    }

    boolean isSync() {
      return key == null;
    }

    /** Fails both moments of this update; the writer calls it. */
    void fail(Throwable cause) {
      applied.completeExceptionally(cause);
      durable.completeExceptionally(cause);
    }
  }

  private final Writer writer;
  private final WalSyncer syncer; // null with Durability.ASYNC
  private final Thread thread;
  private List<Queued> queue = new ArrayList<>();
  private boolean idle;
  private boolean closing;

  /**
   * @param sync whether groups are fsync'd ({@link Durability#SYNC})
   * @param window how long an fsync may wait for more writes when they arrive fast (0: never)
   */
  GroupCommit(Writer writer, WalSyncer.Fsync fsync, boolean sync, String name, Duration window) {
    this.writer = writer;
    this.syncer = sync ? new WalSyncer(fsync, name + "-sync", window) : null;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues an update of {@code key}. */
  Update submit(StorageKey key, UnaryOperator<VersionSet> change) {
    Queued q = new Queued(key, change);
    enqueue(q);
    return new Update(q.applied, q.durable);
  }

  /** Returns a future that completes once everything written before this call is durable. */
  CompletableFuture<Void> sync() {
    if (syncer == null) {
      return CompletableFuture.completedFuture(null);
    }
    Queued q = new Queued(null, null);
    enqueue(q);
    return q.durable.thenApply(v -> null);
  }

  private void enqueue(Queued q) {
    synchronized (this) {
      if (!closing) {
        queue.add(q);
        if (idle) {
          idle = false;
          notify(); // only an idle writer needs waking; a busy one drains the queue next
        }
        return;
      }
    }
    q.fail(new StorageException("storage engine is closing"));
  }

  /** Returns how many fsyncs have run: compare with the number of writes to see the grouping. */
  long syncCount() {
    return syncer == null ? 0 : syncer.syncCount();
  }

  /** Returns how many fsyncs waited for more writes first (the window). */
  long gatherCount() {
    return syncer == null ? 0 : syncer.gatherCount();
  }

  private void run() {
    List<Queued> group;
    while ((group = take()) != null) {
      boolean dirty = write(group);
      if (syncer != null) {
        syncer.handOver(group, dirty);
      } else {
        WalSyncer.complete(group, null); // Durability.ASYNC: written is as durable as it gets
      }
    }
    if (syncer != null) {
      syncer.finish();
    }
  }

  private boolean write(List<Queued> group) {
    try {
      return writer.write(group);
    } catch (RuntimeException | Error e) {
      // A bug in the writer must not leave callers waiting forever.
      log.error("writing a group of {} updates failed", group.size(), e);
      for (Queued q : group) {
        if (!q.applied.isDone()) {
          q.fail(e);
        }
      }
      return true; // what was written before the failure is unknown: sync it
    }
  }

  /** Waits for work; returns everything queued, or null once closing with nothing left. */
  private List<Queued> take() {
    synchronized (this) {
      while (queue.isEmpty() && !closing) {
        idle = true;
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
      idle = false;
      if (queue.isEmpty()) {
        return null; // closing, and nothing queued
      }
      return drain();
    }
  }

  private List<Queued> drain() {
    List<Queued> taken = queue;
    queue = new ArrayList<>(Math.max(16, taken.size()));
    return taken;
  }

  /** Writes and syncs what is queued, completes its futures, and stops the thread. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    awaitEnd(thread);
  }

  /** Waits for {@code thread} to end; if interrupted, stops waiting and keeps the interrupt. */
  static void awaitEnd(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
