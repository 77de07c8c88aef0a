package io.dynamokv.testkit;

import io.dynamokv.spi.Cancellable;
import io.dynamokv.spi.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} in virtual time: tasks wait in a queue ordered by due time (ties by
 * submission order) and run one at a time, on the thread that calls {@link #runNext()}, with the
 * clock set to their due time. Nothing runs concurrently, so a run depends only on its seed.
 *
 * <p>A task that throws is a bug in the code under test: the exception propagates out of
 * {@link #runNext()}, so the test fails at the point of failure.
 */
public final class SimulatedScheduler implements Scheduler {

  private final VirtualClock clock;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long submitted;
  private long executed;
  private int cancelledWaiting;

  private static final class Task implements Comparable<Task> {
    final long due;
    final long seq;
    final Runnable body;
    boolean cancelled;
    boolean started;

    Task(long due, long seq, Runnable body) {
      this.due = due;
      this.seq = seq;
      this.body = body;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  /** Creates a scheduler that moves {@code clock}. */
  public SimulatedScheduler(VirtualClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    Task t = new Task(clock.nanoTime() + Math.max(0, delay.toNanos()), submitted++, task);
    queue.add(t);
    return () -> {
      synchronized (SimulatedScheduler.this) {
        if (t.cancelled || t.started) {
          return false;
        }
        // Left in the queue and skipped when it comes up: removing it from the heap would cost a
        // scan of every waiting task, and a simulation of many nodes cancels a timer per request.
        t.cancelled = true;
        cancelledWaiting++;
        return true;
      }
    };
  }

  @Override
  public void execute(Runnable task) {
    schedule(Duration.ZERO, task);
  }

  /**
   * Runs the earliest task, advancing the clock to its due time.
   *
   * @return false if no task was waiting
   */
  public boolean runNext() {
    Task t;
    synchronized (this) {
      t = pollLive();
      if (t == null) {
        return false;
      }
      t.started = true;
      clock.advanceTo(t.due);
      executed++;
    }
    t.body.run();
    return true;
  }

  private Task pollLive() {
    Task t = queue.poll();
    while (t != null && t.cancelled) {
      cancelledWaiting--;
      t = queue.poll();
    }
    return t;
  }

  /** Returns the due time of the earliest task, or {@code Long.MAX_VALUE} if none waits. */
  public synchronized long nextDueNanos() {
    Task t = queue.peek();
    while (t != null && t.cancelled) {
      queue.poll();
      cancelledWaiting--;
      t = queue.peek();
    }
    return t == null ? Long.MAX_VALUE : t.due;
  }

  /** Returns the number of tasks waiting. */
  public synchronized int pending() {
    return queue.size() - cancelledWaiting;
  }

  /** Returns the number of tasks run so far. */
  public synchronized long executed() {
    return executed;
  }

  /** Moves the clock forward to {@code nanoTime} without running anything (no task is due before). */
  synchronized void idleUntil(long nanoTime) {
    if (nextDueNanos() < nanoTime) {
      throw new IllegalStateException("a task is due before " + nanoTime);
    }
    clock.advanceTo(nanoTime);
  }
}
