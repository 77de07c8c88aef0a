package io.dynamokv.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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

  private final ScheduledThreadPoolExecutor executor;
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
    executor = new ScheduledThreadPoolExecutor(threads, factory);
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    var future = executor.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
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
