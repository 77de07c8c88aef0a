package io.dynamokv.internal.metrics;

import io.dynamokv.spi.Clock;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency distribution over a sliding window, cheap enough to stay on: a record is an atomic
 * add to one of a fixed set of buckets (16 a power of two: within about 6%), with no lock and no
 * allocation. The window is two halves: records go to the current half, and a summary reads the
 * current and the previous one, so it covers between one and two half-windows of the latest
 * records. Also counts every record since the start. Thread-safe.
 */
public final class LatencyRecorder {

  private static final int SUB_BITS = 4;
  private static final int SUB = 1 << SUB_BITS;
  private static final int BUCKETS = (64 - SUB_BITS) * SUB + SUB;

  private final Clock clock;
  private final long halfWindowNanos;
  private final AtomicReference<Half> current;
  private volatile Half previous;
  private final LongAdder total = new LongAdder();
  private final LongAdder totalNanos = new LongAdder();

  private static final class Half {
    final long startNanos;
    final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();

    Half(long startNanos) {
      this.startNanos = startNanos;
    }
  }

  /** @param window how far back a summary reaches (at most; at least half of it) */
  public LatencyRecorder(Clock clock, java.time.Duration window) {
    this.clock = clock;
    this.halfWindowNanos = Math.max(1, window.toNanos() / 2);
    Half first = new Half(clock.nanoTime());
    this.current = new AtomicReference<>(first);
    this.previous = new Half(first.startNanos - halfWindowNanos);
  }

  /** Records one latency of {@code nanos} (negative counts as 0). */
  public void record(long nanos) {
    record(nanos, clock.nanoTime());
  }

  /** Records one latency of {@code nanos} that ended at {@code nowNanos} (the clock's time, already read). */
  public void record(long nanos, long nowNanos) {
    long v = Math.max(0, nanos);
    Half h = half(nowNanos);
    h.counts.incrementAndGet(bucket(v));
    long m;
    while (v > (m = h.max.get()) && !h.max.compareAndSet(m, v)) {
      // another record raised it first; try again against the new max
    }
    total.increment();
    totalNanos.add(v);
  }

  private Half half(long now) {
    Half h = current.get();
    if (now - h.startNanos < halfWindowNanos) {
      return h;
    }
    Half next = new Half(now);
    if (current.compareAndSet(h, next)) {
      // A whole half passed with no record: the previous half is then empty too.
      previous = now - h.startNanos < 2 * halfWindowNanos ? h : new Half(now - halfWindowNanos);
      return next;
    }
    return current.get();
  }

  /** Returns the bucket of {@code v}: exact below 16, then 16 buckets a power of two. */
  static int bucket(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int log = 63 - Long.numberOfLeadingZeros(v);
    int sub = (int) (v >>> (log - SUB_BITS)) & (SUB - 1);
    return (log - SUB_BITS + 1) * SUB + sub;
  }

  /** Returns the largest value that falls in bucket {@code b}. */
  static long upperBound(int b) {
    if (b < SUB) {
      return b;
    }
    int log = b / SUB + SUB_BITS - 1;
    long sub = b % SUB;
    long low = (1L << log) | (sub << (log - SUB_BITS));
    return low + (1L << (log - SUB_BITS)) - 1;
  }

  /** Returns the distribution of the window's records. */
  public LatencySummaryData summary() {
    Half h = half(clock.nanoTime());
    Half p = previous;
    long[] counts = new long[BUCKETS];
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = h.counts.get(i) + p.counts.get(i);
      n += counts[i];
    }
    long max = Math.max(h.max.get(), p.max.get());
    return new LatencySummaryData(total.sum(), totalNanos.sum(), n, quantile(counts, n, 0.5, max),
        quantile(counts, n, 0.99, max), quantile(counts, n, 0.999, max), max);
  }

  private static long quantile(long[] counts, long n, double q, long max) {
    if (n == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * n);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }

  /**
   * What a summary says, in nanoseconds.
   *
   * @param total records since the start
   * @param totalNanos the sum of all records since the start
   * @param windowCount records in the window
   */
  public record LatencySummaryData(long total, long totalNanos, long windowCount, long p50, long p99, long p999,
      long max) {}
}
