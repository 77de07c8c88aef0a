package io.dynamokv.spi;

/**
 * The only way time reaches the core. Production nodes use {@link SystemClock}; simulations use
 * a virtual clock, so that a run is replayable from its seed.
 *
 * <p>Implementations are thread-safe.
 */
public interface Clock {

  /** Wall-clock time in milliseconds since the epoch: for timestamps that people read. */
  long currentTimeMillis();

  /** Monotonic time in nanoseconds from an arbitrary origin: for deadlines and durations. */
  long nanoTime();
}
