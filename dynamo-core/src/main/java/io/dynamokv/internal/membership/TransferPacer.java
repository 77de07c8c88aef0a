package io.dynamokv.internal.membership;

import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * Holds partition transfers to a rate in bytes per second: after each page, the next one waits
 * until the bytes moved so far fit the rate. One second of bytes may go at once (a burst), so
 * that small transfers are not slowed. Thread-safe.
 */
final class TransferPacer implements LongFunction<CompletableFuture<Void>> {

  private final long bytesPerSecond;
  private final Clock clock;
  private final Scheduler scheduler;
  private long nextFreeNanos = Long.MIN_VALUE;

  TransferPacer(long bytesPerSecond, Clock clock, Scheduler scheduler) {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("bytesPerSecond : " + bytesPerSecond + " (expected: >= 1)");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  @Override
  public CompletableFuture<Void> apply(long bytes) {
    long wait;
    synchronized (this) {
      long now = clock.nanoTime();
      long burst = 1_000_000_000L;
      long start = nextFreeNanos == Long.MIN_VALUE ? now - burst : Math.max(nextFreeNanos, now - burst);
      nextFreeNanos = start + (long) (bytes * 1e9 / bytesPerSecond);
      wait = nextFreeNanos - now;
    }
    if (wait <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> later = new CompletableFuture<>();
    scheduler.schedule(Duration.ofNanos(wait), () -> later.complete(null));
    return later;
  }
}
