package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * <p>Futures complete on the commit thread; chain heavy work with the {@code *Async} methods.
 */
final class GroupCommit implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

  private record Waiter(long ticket, CompletableFuture<Void> done) {}

  private final RocksDB db;
  private final Thread thread;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long requested;
  private long synced;
  private long syncs;
  private boolean closing;

  GroupCommit(RocksDB db, String name) {
    this.db = db;
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
      notifyAll();
    }
    return done;
  }

  /** Returns how many fsyncs have run: compare with the number of writes to see the grouping. */
  synchronized long syncCount() {
    return syncs;
  }

  private void run() {
    while (true) {
      long target;
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
      RuntimeException failure = null;
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        failure = new StorageException("fsync of the write-ahead log failed: " + e.getMessage(), e);
        log.error("fsync of the write-ahead log failed; failing {} writes", target - synced, e);
      }
      List<Waiter> done = new ArrayList<>();
      synchronized (this) {
        synced = target;
        syncs++;
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
