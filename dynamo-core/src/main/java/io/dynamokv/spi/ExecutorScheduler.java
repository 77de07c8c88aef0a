package io.dynamokv.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} on a small pool of daemon threads, for real nodes.
 *
 * <p>Threads are named {@code <name>-<n>}. Closing it cancels pending tasks and waits up to the
 * given grace period for running ones.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ThreadPoolExecutor executor;
  private final ScheduledThreadPoolExecutor timer;
  private final Duration closeGrace;

  /**
   * Creates a scheduler.
   *
   * @param name the thread-name prefix
   * @param threads the pool size
   * @param closeGrace how long {@link #close()} waits for running tasks
   */
  public ExecutorScheduler(String name, int threads, Duration closeGrace) {
    Objects.requireNonNull(name, "name");
    if (threads < 1) {
      throw new IllegalArgumentException("threads : " + threads + " (expected: >= 1)");
    }
    this.closeGrace = Objects.requireNonNull(closeGrace, "closeGrace");
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // Tasks to run now go to a plain pool with a FIFO queue; only delayed ones go through the
    // timer's priority queue (one lock, O(log n) per operation, and thousands of request
    // deadlines in it under load), whose thread hands each due task to the pool.
    executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.NANOSECONDS, new LinkedBlockingQueue<>(), factory);
    timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name + "-timer");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    Runnable guarded = guarded(task);
    var future = timer.schedule(() -> {
      try {
        executor.execute(guarded);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // closing: the task is dropped, as a timer that fires after close() would be
      }
    }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    executor.execute(guarded(task));
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.error("scheduled task {} failed", task, e);
      }
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
    executor.shutdown();
    try {
      if (!executor.awaitTermination(closeGrace.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("scheduler tasks still running after {}; interrupting them", closeGrace);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
