package io.dynamokv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The delay before a read asks one more replica follows the usual round trip, within bounds. */
class ReadSpeculationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(1);

  @Test
  void theDelayFollowsTheUsualRoundTripAndStaysWithinItsBounds() {
    ReadSpeculation s = new ReadSpeculation();
    // A first guess of 1 ms a round trip, before any read has been measured.
    assertThat(s.delay(DEADLINE)).isEqualTo(Duration.ofMillis(ReadSpeculation.ROUND_TRIPS));

    // Under load every read slows to 5 ms: the delay grows with it, so reads are not doubled.
    for (int i = 0; i < 200; i++) {
      s.observed(Duration.ofMillis(5).toNanos());
    }
    assertThat(s.delay(DEADLINE)).isBetween(Duration.ofMillis(19), Duration.ofMillis(20));

    // Fast again: it comes back down, never below the floor.
    for (int i = 0; i < 400; i++) {
      s.observed(100_000); // 0.1 ms
    }
    assertThat(s.delay(DEADLINE)).isEqualTo(Duration.ofNanos(ReadSpeculation.MIN_DELAY_NANOS));

    // Never past the attempt's own limit.
    for (int i = 0; i < 400; i++) {
      s.observed(Duration.ofSeconds(2).toNanos());
    }
    assertThat(s.delay(DEADLINE)).isEqualTo(DEADLINE);
  }
}
