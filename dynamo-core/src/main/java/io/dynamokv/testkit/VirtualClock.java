package io.dynamokv.testkit;

import io.dynamokv.spi.Clock;
import java.time.Duration;

/**
 * A clock that moves only when the simulation moves it. Wall time starts at a fixed instant, so
 * timestamps are the same in every run of a seed.
 *
 * <p>Thread-safe, though a simulation drives it from one thread.
 */
public final class VirtualClock implements Clock {

  /** Wall-clock time at the start of every simulation: 2024-01-01T00:00:00Z. */
  public static final long EPOCH_MILLIS = 1_704_067_200_000L;

  private volatile long nanos;

  @Override
  public long currentTimeMillis() {
    return EPOCH_MILLIS + nanos / 1_000_000;
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  /** Returns the virtual time elapsed since the start. */
  public Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  /** Moves time to {@code nanoTime}; time never goes back. */
  synchronized void advanceTo(long nanoTime) {
    if (nanoTime < nanos) {
      throw new IllegalStateException("virtual time cannot go back from " + nanos + " to " + nanoTime);
    }
    nanos = nanoTime;
  }
}
