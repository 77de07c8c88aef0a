package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's fsync thread, with {@link Durability#SYNC}: the writer thread hands it each group
 * once written, and it makes them durable with one fsync of the write-ahead log ({@code SyncWAL})
 * for everything handed over since its last fsync, then completes their {@code durable} futures.
 *
 * <p>Why a thread of its own: while an fsync runs the writer goes on writing the next groups, so
 * a write is applied (and a coordinator can send it to the other replicas) without waiting for
 * an fsync or a window that is not its own. With one thread doing both, a write arriving during
 * the window or the fsync waited for them before even being written, a large share of a put's
 * latency. RocksDB lets {@code SyncWAL} run beside writes; it covers every write that
 * returned before it was called, which includes all that were handed over.
 *
 * <h2>The window (none by default)</h2>
 * An fsync costs kernel CPU as well as disk time. Back to back, fsyncs cover only the few writes
 * handed over during the previous one; on a small machine under load that spent a large share
 * of the CPU. So when writes are concurrent (the last fsync covered more than one group's
 * updates, or more arrived while it ran) and arrive fast enough that the window would gather at
 * least {@value #WORTH_WAITING_FOR} more (the rate is smoothed over recent fsyncs), this thread
 * waits up to the window before its fsync, ending the wait early once a quiet spell (a quarter of
 * the window) passes with nothing new. A lone writer, each update waiting for its own fsync,
 * never meets the first condition, however fast its disk: it is never delayed. On a machine
 * with idle CPU the wait only delays acknowledgements, so
 * {@link RocksDbConfig#DEFAULT_GROUP_COMMIT_WINDOW} is zero; it is for disks whose fsync is dear.
 *
 * <p>Futures complete on this thread; their callbacks must not wait for another update.
 */
final class WalSyncer {

  private static final Logger log = LoggerFactory.getLogger(WalSyncer.class);

  /** Wait only when the window is expected to gather at least this many more writes. */
  static final int WORTH_WAITING_FOR = 8;

  /** One fsync of the write-ahead log: {@code RocksDB::syncWal}, or a test's stand-in. */
  @FunctionalInterface
  interface Fsync {
    void run() throws RocksDBException;
  }

  private final Fsync fsync;
  private final long windowNanos;
  private final long quietNanos;
  private final Thread thread;
  // Guarded by this: what the writer handed over since the last fsync began.
  private List<GroupCommit.Queued> pending = new ArrayList<>();
  private boolean pendingDirty;
  private boolean waiting;
  private boolean finished;
  private long handedOver;
  private long syncs;
  private long gathers;
  // Touched by this thread only: the arrival rate, smoothed over recent fsyncs.
  private double arrivalsPerNano;
  private long rateSampledAt = System.nanoTime();
  private long rateSampledArrivals;

  /** @param window how long an fsync may wait for more writes when they arrive fast (0: never) */
  WalSyncer(Fsync fsync, String name, Duration window) {
    this.fsync = fsync;
    this.windowNanos = window.toNanos();
    this.quietNanos = Math.max(50_000, windowNanos / 4);
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Takes a group the writer has written (or tried to): each of its updates becomes durable with
   * the next fsync, or, with no fsync needed, once every earlier handed-over group is durable.
   *
   * @param dirty whether the group wrote anything (a group that only found its sets unchanged
   *     needs no fsync of its own: it read what earlier groups wrote, which are synced first)
   */
  synchronized void handOver(List<GroupCommit.Queued> group, boolean dirty) {
    pending.addAll(group);
    pendingDirty |= dirty;
    handedOver += group.size();
    if (waiting) {
      waiting = false;
      notify();
    }
  }

  /** Syncs what was handed over, then stops the thread; the writer calls it once, last. */
  void finish() {
    synchronized (this) {
      finished = true;
      notify();
    }
    GroupCommit.awaitEnd(thread);
  }

  /** Returns how many fsyncs have run. */
  synchronized long syncCount() {
    return syncs;
  }

  /** Returns how many fsyncs waited for more writes first (the window). */
  synchronized long gatherCount() {
    return gathers;
  }

  private void run() {
    boolean concurrent = false;
    while (awaitPending()) {
      boolean gathered = false;
      if (concurrent && windowNanos > 0 && arrivalsPerNano * windowNanos >= WORTH_WAITING_FOR) {
        gather();
        gathered = true;
      }
      List<GroupCommit.Queued> batch;
      boolean dirty;
      synchronized (this) {
        batch = pending;
        dirty = pendingDirty;
        pending = new ArrayList<>(Math.max(16, batch.size()));
        pendingDirty = false;
      }
      boolean fsync = dirty || batch.stream().anyMatch(GroupCommit.Queued::isSync);
      RuntimeException failure = fsync ? syncWal(batch.size()) : null;
      synchronized (this) {
        concurrent = batch.size() > 1 || !pending.isEmpty();
        if (fsync) {
          syncs++;
          gathers += gathered ? 1 : 0;
        }
      }
      sampleRate(System.nanoTime());
      complete(batch, failure);
    }
  }

  /** Waits until something was handed over; returns false once finished with nothing left. */
  private synchronized boolean awaitPending() {
    while (pending.isEmpty() && !finished) {
      waiting = true;
      try {
        wait();
      } catch (InterruptedException e) {
        // Nothing here interrupts this thread (finish() notifies); if something else does, stop
        // as if finished, still syncing what is pending.
        finished = true;
      }
    }
    waiting = false;
    return !pending.isEmpty();
  }

  /** Waits up to the window for more groups, ending early after a quiet spell. */
  private void gather() {
    long start = System.nanoTime();
    long seen = handedOverCount();
    for (long waited = 0; waited < windowNanos; waited = System.nanoTime() - start) {
      LockSupport.parkNanos(Math.min(quietNanos, windowNanos - waited));
      long now = handedOverCount();
      if (now == seen || isFinished()) {
        return;
      }
      seen = now;
    }
  }

  private synchronized long handedOverCount() {
    return handedOver;
  }

  private synchronized boolean isFinished() {
    return finished;
  }

  private RuntimeException syncWal(int updates) {
    try {
      fsync.run();
      return null;
    } catch (RocksDBException e) {
      log.error("fsync of the write-ahead log failed; failing {} writes", updates, e);
      return new StorageException("fsync of the write-ahead log failed: " + e.getMessage(), e);
    }
  }

  /** Completes the {@code durable} future of each update in {@code batch}, or fails it. */
  static void complete(List<GroupCommit.Queued> batch, RuntimeException failure) {
    for (GroupCommit.Queued q : batch) {
      if (failure != null) {
        q.durable.completeExceptionally(failure);
      } else if (q.isSync()) {
        q.durable.complete(null);
      } else if (!q.applied.isCompletedExceptionally()) {
        q.durable.complete(q.applied.join());
      }
    }
  }

  /** Folds the arrivals since the last sample into the smoothed rate. */
  private void sampleRate(long now) {
    long elapsed = now - rateSampledAt;
    if (elapsed <= 0) {
      return;
    }
    long total = handedOverCount();
    double sample = (double) (total - rateSampledArrivals) / elapsed;
    arrivalsPerNano = arrivalsPerNano == 0 ? sample : 0.7 * arrivalsPerNano + 0.3 * sample;
    rateSampledAt = now;
    rateSampledArrivals = total;
  }
}
