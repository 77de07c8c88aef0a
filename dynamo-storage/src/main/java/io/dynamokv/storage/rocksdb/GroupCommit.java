package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.version.VersionSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's writer thread: updates are queued from any thread and applied here in groups,
 * each group as one RocksDB write batch (by an {@link UpdateBatch}), and with
 * {@link Durability#SYNC} made durable by one fsync of the write-ahead log ({@code SyncWAL})
 * for the whole group. Queueing never waits for I/O, so I/O threads may submit updates.
 *
 * <p>Why one thread: writing each update on its caller's thread cost a RocksDB write (a WAL
 * append, a place in RocksDB's own writer queue) and a lock per update, with callers spinning in
 * RocksDB's write thread on a small machine; a group is one write, its reads and merges are
 * done by one warm thread, and the group shares one fsync.
 *
 * <p>An update's {@code applied} completes once its group is written (before the fsync), its
 * {@code durable} once the fsync that follows covers it. {@link #sync()} asks for an fsync
 * covering writes made directly to the database before the call (hints, dropped partitions).
 *
 * <h2>The window</h2>
 * An fsync costs kernel CPU as well as disk time. Back to back, fsyncs cover only the few writes
 * that arrived during the previous one; on a small machine under load that spent a large share
 * of the CPU (measured: about 3 writes per fsync). So when writers are concurrent (the last
 * group covered more than one update, or updates arrived while its fsync ran) and arrive fast
 * enough that the window would gather at least {@value #WORTH_WAITING_FOR} more (the rate is
 * smoothed over recent groups), the thread writes what it has, then waits up to the window for
 * more, writing them as they come, and ends the wait early once a quiet spell (a quarter of the
 * window) passes with nothing new. A lone writer, each update waiting for its own fsync, never
 * meets the first condition, however fast its disk: it is never delayed.
 *
 * <p>Futures complete on the writer thread; callbacks must not wait for another update there.
 */
final class GroupCommit implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /** Wait only when the window is expected to gather at least this many more writes. */
  static final int WORTH_WAITING_FOR = 8;

  /** Applies a group of queued updates as one write; see {@link UpdateBatch}. */
  interface Writer {
    /**
     * Applies and writes {@code group} without fsync, completing each update's {@code applied}
     * future or failing it; a sync request (no key) is left alone. Returns whether anything was
     * written: a group that only found its sets unchanged read data that earlier groups made
     * durable, and needs no fsync of its own.
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

  private final RocksDB db;
  private final Writer writer;
  private final boolean sync;
  private final long windowNanos;
  private final long quietNanos;
  private final Thread thread;
  private List<Queued> queue = new ArrayList<>();
  private boolean idle;
  private long syncs;
  private long gathers;
  private boolean closing;
  // Touched by the writer thread only: the arrival rate, smoothed over recent groups.
  private long arrived;
  private double arrivalsPerNano;
  private long rateSampledAt = System.nanoTime();
  private long rateSampledArrivals;

  /**
   * @param sync whether groups are fsync'd ({@link Durability#SYNC})
   * @param window how long an fsync may wait for more writes when they arrive fast (0: never)
   */
  GroupCommit(RocksDB db, Writer writer, boolean sync, String name, Duration window) {
    this.db = db;
    this.writer = writer;
    this.sync = sync;
    this.windowNanos = window.toNanos();
    this.quietNanos = Math.max(50_000, windowNanos / 4);
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
    if (!sync) {
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
  synchronized long syncCount() {
    return syncs;
  }

  /** Returns how many fsyncs waited for more writes first (the window). */
  synchronized long gatherCount() {
    return gathers;
  }

  private void run() {
    boolean concurrent = false;
    List<Queued> group;
    while ((group = take()) != null) {
      boolean dirty = write(group);
      boolean gathered = false;
      if (sync && concurrent && windowNanos > 0 && arrivalsPerNano * windowNanos >= WORTH_WAITING_FOR) {
        dirty |= gather(group);
        gathered = true;
      }
      boolean fsync = sync && (dirty || group.stream().anyMatch(Queued::isSync));
      RuntimeException failure = null;
      if (fsync) {
        try {
          db.syncWal();
        } catch (RocksDBException e) {
          failure = new StorageException("fsync of the write-ahead log failed: " + e.getMessage(), e);
          log.error("fsync of the write-ahead log failed; failing {} writes", group.size(), e);
        }
      }
      synchronized (this) {
        concurrent = group.size() > 1 || !queue.isEmpty();
        if (fsync) {
          syncs++;
          gathers += gathered ? 1 : 0;
        }
      }
      sampleRate(System.nanoTime());
      for (Queued q : group) {
        if (failure != null) {
          q.durable.completeExceptionally(failure);
        } else if (q.isSync()) {
          q.durable.complete(null);
        } else if (!q.applied.isCompletedExceptionally()) {
          q.durable.complete(q.applied.join());
        }
      }
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
    arrived += taken.size();
    return taken;
  }

  /**
   * Writes what arrives within the window into {@code group}, ending early after a quiet spell;
   * returns whether anything was written.
   */
  private boolean gather(List<Queued> group) {
    boolean dirty = false;
    long start = System.nanoTime();
    for (long waited = 0; waited < windowNanos; waited = System.nanoTime() - start) {
      LockSupport.parkNanos(Math.min(quietNanos, windowNanos - waited));
      List<Queued> more;
      synchronized (this) {
        if (queue.isEmpty() || closing) {
          break;
        }
        more = drain();
      }
      dirty |= write(more);
      group.addAll(more);
    }
    return dirty;
  }

  /** Folds the arrivals since the last sample into the smoothed rate. */
  private void sampleRate(long now) {
    long elapsed = now - rateSampledAt;
    if (elapsed <= 0) {
      return;
    }
    long total;
    synchronized (this) {
      total = arrived;
    }
    double sample = (double) (total - rateSampledArrivals) / elapsed;
    arrivalsPerNano = arrivalsPerNano == 0 ? sample : 0.7 * arrivalsPerNano + 0.3 * sample;
    rateSampledAt = now;
    rateSampledArrivals = total;
  }

  /** Writes and syncs what is queued, completes its futures, and stops the thread. */
  @Override
  public void close() {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
