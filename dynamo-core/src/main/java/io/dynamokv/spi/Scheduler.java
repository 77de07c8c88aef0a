package io.dynamokv.spi;

import java.time.Duration;

/**
 * Runs the core's background and deferred work: gossip rounds, failure-detector probes, hint
 * delivery, anti-entropy exchanges and request deadlines. Injected so that simulations run it
 * in virtual time on one thread.
 *
 * <p>Tasks must not block: they start I/O and return. A task that throws is logged by the
 * implementation and does not stop later tasks. Implementations are thread-safe.
 */
public interface Scheduler {

  /** Runs {@code task} once, after {@code delay}. */
  Cancellable schedule(Duration delay, Runnable task);

  /** Runs {@code task} once, as soon as possible, never on the calling thread's stack. */
  void execute(Runnable task);
}
