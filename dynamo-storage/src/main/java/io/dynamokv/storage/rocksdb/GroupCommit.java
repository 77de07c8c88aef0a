package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes writes durable in groups: a writer writes to the WAL without fsync, then asks for a
 * sync; one thread fsyncs the WAL ({@code SyncWAL}) for every writer that asked since the last
 * fsync began, so N concurrent writers share one fsync instead of paying for N.
 *
 * <p>A ticket taken after a write returns covers that write, because the WAL is sequential: a
 * sync that starts after the ticket was taken fsyncs everything written before it.
 *
 * <h2>The window</h2>
 * An fsync costs kernel CPU as well as disk time. Back to back, fsyncs cover only the few writes
 * that arrived during the previous one; on a small machine under load that spent a large share
 * of the CPU (measured: about 3 writes per fsync). So when writers are concurrent (the last
 * group covered more than one write, or writes arrived while its fsync ran) and arrive fast
 * enough that the window would gather at least {@value #WORTH_WAITING_FOR} more (the rate is
 * smoothed over recent groups), the thread first waits up to the window for them, ending the
 * wait early once a quiet spell (a quarter of the window) passes with no new write. A lone
 * writer, each write waiting for its own fsync, never meets the first condition, however fast
 * its disk: it is never delayed.
 *
 * <p>Futures complete on the commit thread; chain heavy work with the {@code *Async} methods.
 */
final class GroupCommit implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  /** Wait only when the window is expected to gather at least this many more writes. */
  static final int WORTH_WAITING_FOR = 8;

  private record Waiter(long ticket, CompletableFuture<Void> done) {}

  private final RocksDB db;
  private final long windowNanos;
  private final long quietNanos;
  private final Thread thread;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long requested;
  private long synced;
  private long syncs;
  private long gathers;
  private boolean closing;
  // Touched by the commit thread only: the arrival rate, smoothed over recent groups.
  private double writesPerNano;
  private long rateSampledAt = System.nanoTime();
  private long rateSampledRequests;

  /** @param window how long an fsync may wait for more writes when they arrive fast (0: never) */
  GroupCommit(RocksDB db, String name, Duration window) {
    this.db = db;
    this.windowNanos = window.toNanos();
    this.quietNanos = Math.max(50_000, windowNanos / 4);
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Returns a future that completes once everything written before this call is fsync'd. */
  CompletableFuture<Void> sync() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (this) {
      if (closing) {
        done.completeExceptionally(new StorageException("storage engine is closing"));
        return done;
      }
      waiters.add(new Waiter(++requested, done));
      if (requested == synced + 1) {
        notifyAll(); // only the first waiter of a group can find the commit thread idle
      }
    }
    return done;
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
    while (true) {
      long target;
      boolean gathered = false;
      synchronized (this) {
        while (!closing && requested == synced) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        if (requested == synced) {
          return; // closing, and nobody waits
        }
        target = requested;
      }
      if (concurrent && windowNanos > 0 && writesPerNano * windowNanos >= WORTH_WAITING_FOR) {
        target = gather(target);
        gathered = true;
      }
      RuntimeException failure = null;
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        failure = new StorageException("fsync of the write-ahead log failed: " + e.getMessage(), e);
        log.error("fsync of the write-ahead log failed; failing {} writes", target - synced, e);
      }
      List<Waiter> done = new ArrayList<>();
      long now = System.nanoTime();
      synchronized (this) {
        sampleRate(now, requested);
        concurrent = target - synced > 1 || requested > target;
        synced = target;
        syncs++;
        if (gathered) {
          gathers++;
        }
        while (!waiters.isEmpty() && waiters.peek().ticket() <= target) {
          done.add(waiters.poll());
        }
      }
      for (Waiter w : done) {
        if (failure == null) {
          w.done().complete(null);
        } else {
          w.done().completeExceptionally(failure);
        }
      }
    }
  }

  /** Folds the requests since the last sample into the smoothed rate. */
  private void sampleRate(long now, long requestedNow) {
    long elapsed = now - rateSampledAt;
    if (elapsed <= 0) {
      return;
    }
    double sample = (double) (requestedNow - rateSampledRequests) / elapsed;
    writesPerNano = writesPerNano == 0 ? sample : 0.7 * writesPerNano + 0.3 * sample;
    rateSampledAt = now;
    rateSampledRequests = requestedNow;
  }

  /** Waits, up to the window, while new requests keep arriving; returns the last request to cover. */
  private long gather(long seen) {
    long start = System.nanoTime();
    for (long waited = 0; waited < windowNanos; waited = System.nanoTime() - start) {
      LockSupport.parkNanos(Math.min(quietNanos, windowNanos - waited));
      synchronized (this) {
        if (requested == seen || closing) {
          break;
        }
        seen = requested;
      }
    }
    synchronized (this) {
      return requested;
    }
  }

  /** Syncs what is pending, completes its waiters, and stops the thread. */
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
