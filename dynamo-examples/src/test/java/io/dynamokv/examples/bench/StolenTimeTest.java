package io.dynamokv.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The host's share of the machine's CPU time, from the first line of {@code /proc/stat}. */
class StolenTimeTest {

  @Test
  void theStolenShareIsStealOverTheFirstEightFieldsBetweenTwoSamples() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    Optional<StolenTime.Sample> start = StolenTime.parse("cpu  1000 0 500 8000 100 0 50 350 200 0");
    Optional<StolenTime.Sample> end = StolenTime.parse("cpu  1600 0 700 8100 100 0 100 650 400 0");
    assertThat(start).contains(new StolenTime.Sample(350, 10_000)); // guest is inside user: not added again
    assertThat(StolenTime.share(start, end)).isCloseTo(300.0 / 1_250, within(1e-12));
  }

  @Test
  void whatCannotBeMeasuredIsNaNNotZero() {
    assertThat(StolenTime.parse("cpu0 1 2 3 4 5 6 7 8")).isEmpty();
    assertThat(StolenTime.parse("cpu 1 2 3")).isEmpty();
    Optional<StolenTime.Sample> s = StolenTime.parse("cpu 1 2 3 4 5 6 7 8");
    assertThat(StolenTime.share(Optional.empty(), s)).isNaN();
    assertThat(StolenTime.share(s, s)).isNaN(); // no time passed
  }

  @Test
  void onLinuxTheCountersAreReadAndOnlyGrow() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "not Linux: nothing to read, and every share is NaN");
    Optional<StolenTime.Sample> first = StolenTime.now();
    assertThat(first).as("/proc/stat read on Linux").isPresent();
    Optional<StolenTime.Sample> later = StolenTime.now();
    assertThat(later.orElseThrow().total()).isGreaterThanOrEqualTo(first.get().total());
    assertThat(later.get().stolen()).isGreaterThanOrEqualTo(first.get().stolen());
  }
}
