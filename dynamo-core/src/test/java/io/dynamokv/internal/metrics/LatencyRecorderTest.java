package io.dynamokv.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.spi.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The latency recorder: its buckets, its percentiles against the exact ones, and its window. */
class LatencyRecorderTest {

  /** A clock that moves only when told. */
  private static final class TestClock implements Clock {
    private long nanos = 1_000_000_000L;

    @Override
    public long currentTimeMillis() {
      return nanos / 1_000_000;
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    void advance(Duration d) {
      nanos += d.toNanos();
    }
  }

  @Property(tries = 2000)
  void aValueFallsInABucketWhoseBoundsHoldItWithinSixPercent(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long v) {
    int b = LatencyRecorder.bucket(v);
    assertThat(LatencyRecorder.upperBound(b)).isGreaterThanOrEqualTo(v);
    assertThat(b == 0 || LatencyRecorder.upperBound(b - 1) < v).as("the previous bucket ends below").isTrue();
    assertThat((double) LatencyRecorder.upperBound(b)).isLessThanOrEqualTo(v * 1.0625 + 1);
  }

  @Test
  void percentilesMatchTheExactOnesWithinTheBucketWidth() {
    TestClock clock = new TestClock();
    LatencyRecorder r = new LatencyRecorder(clock, Duration.ofMinutes(1));
    SplittableRandom random = new SplittableRandom(7);
    long[] values = new long[100_000];
    for (int i = 0; i < values.length; i++) {
      // Mostly around 1 ms, with a tail to 100 ms.
      values[i] = random.nextInt(100) == 0 ? random.nextLong(1_000_000, 100_000_000) : random.nextLong(500_000, 2_000_000);
      r.record(values[i]);
    }
    Arrays.sort(values);
    LatencyRecorder.LatencySummaryData s = r.summary();
    assertThat(s.windowCount()).isEqualTo(values.length);
    assertThat(s.max()).isEqualTo(values[values.length - 1]);
    for (double[] q : new double[][] {{0.5, s.p50()}, {0.99, s.p99()}, {0.999, s.p999()}}) {
      long exact = values[(int) Math.ceil(q[0] * values.length) - 1];
      assertThat(q[1]).as("quantile %s", q[0]).isBetween((double) exact, exact * 1.0625 + 1);
    }
  }

  @Test
  void recordsLeaveTheWindowAsTimePasses() {
    TestClock clock = new TestClock();
    LatencyRecorder r = new LatencyRecorder(clock, Duration.ofSeconds(60));
    r.record(5_000_000);
    clock.advance(Duration.ofSeconds(20));
    r.record(1_000);
    assertThat(r.summary().windowCount()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(20)); // the first half ended 40 s after the slow one: it is the previous half now
    r.record(1_000);
    assertThat(r.summary().windowCount()).isEqualTo(3);
    clock.advance(Duration.ofSeconds(35));
    r.record(1_000);
    // The first half (the slow record and the one 20 s after it) has left the window.
    assertThat(r.summary().windowCount()).as("records of the last one or two half-windows").isEqualTo(2);
    assertThat(r.summary().max()).isEqualTo(1_000);
    clock.advance(Duration.ofMinutes(5)); // quiet: nothing recent
    assertThat(r.summary().windowCount()).isZero();
    assertThat(r.summary().total()).isEqualTo(4);
  }
}
