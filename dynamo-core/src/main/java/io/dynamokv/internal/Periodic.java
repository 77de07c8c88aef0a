package io.dynamokv.internal;

import io.dynamokv.spi.Cancellable;
import io.dynamokv.spi.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task that a node runs every interval on its {@link Scheduler} until stopped: gossip rounds,
 * failure probes, hint delivery, anti-entropy passes. The next run is scheduled one interval
 * after the previous one ended (its future completed, for an asynchronous task), so runs never
 * overlap. A run that throws or fails is logged, and the next one runs all the same: one bad
 * round never stops the work for good.
 *
 * <p>Thread-safe: {@link #cancel()} may be called from any thread, also while a run is under way
 * (that run finishes; no other starts).
 */
public final class Periodic implements Cancellable {

  private static final Logger log = LoggerFactory.getLogger(Periodic.class);

  private final Scheduler scheduler;
  private final Duration interval;
  private final String name;
  private final Supplier<? extends CompletionStage<?>> task;
  private volatile Cancellable next;
  private volatile boolean cancelled;

  private Periodic(Scheduler scheduler, Duration interval, String name, Supplier<? extends CompletionStage<?>> task) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.name = Objects.requireNonNull(name, "name");
    this.task = Objects.requireNonNull(task, "task");
  }

  /**
   * Runs {@code task} every {@code interval}, the first time one interval from now.
   *
   * @param name what the task is, for the log line of a failed run
   */
  public static Periodic start(Scheduler scheduler, Duration interval, String name, Runnable task) {
    Objects.requireNonNull(task, "task");
    return startAsync(scheduler, interval, name, () -> {
      task.run();
      return CompletableFuture.completedFuture(null);
    });
  }

  /**
   * Runs the asynchronous {@code task} every {@code interval}, the first time one interval from
   * now; each next run waits for the future of the one before.
   */
  public static Periodic startAsync(Scheduler scheduler, Duration interval, String name,
      Supplier<? extends CompletionStage<?>> task) {
    Periodic periodic = new Periodic(scheduler, interval, name, task);
    periodic.scheduleNext();
    return periodic;
  }

  private void scheduleNext() {
    if (!cancelled) {
      next = scheduler.schedule(interval, this::runOnce);
    }
  }

  private void runOnce() {
    if (cancelled) {
      return;
    }
    CompletionStage<?> run;
    try {
      run = task.get();
    } catch (RuntimeException e) {
      log.warn("{} failed; the next runs in {}", name, interval, e);
      scheduleNext();
      return;
    }
    run.whenComplete((ignored, failure) -> {
      if (failure != null) {
        log.warn("{} failed; the next runs in {}", name, interval, failure);
      }
      scheduleNext();
    });
  }

  /** Stops the task: no run starts after this call. Always returns true. */
  @Override
  public boolean cancel() {
    cancelled = true;
    Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
    return true;
  }
}
