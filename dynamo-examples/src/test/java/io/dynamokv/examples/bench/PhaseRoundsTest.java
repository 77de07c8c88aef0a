package io.dynamokv.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The benchmark's rounds: each round's ratio, their median, and the pooled reports. */
class PhaseRoundsTest {

  /** A phase of {@code ops} operations in one second, each taking {@code latencyMicros}. */
  private static LatencyReport phase(String name, long ops, long latencyMicros, double cpuMicros) {
    return phase(name, ops, 1, latencyMicros, cpuMicros, 0.05);
  }

  private static LatencyReport phase(String name, long ops, long seconds, long latencyMicros, double cpuMicros,
      double stolen) {
    Histogram h = new Histogram(3);
    h.recordValueWithCount(latencyMicros * 1000, ops);
    return new LatencyReport(name, ops, seconds * 1_000_000_000L, h, cpuMicros, 1024, stolen);
  }

  @Test
  void theRatioIsTheMedianOfTheRoundsNotTheRatioOfThePooledRates() {
    PhaseRounds rounds = new PhaseRounds("put");
    rounds.add(1, phase("ideal", 40_000, 1_000, 40), phase("cluster", 20_000, 3_000, 80)); // 0.50
    rounds.add(2, phase("ideal", 10_000, 1_000, 40), phase("cluster", 3_000, 3_000, 80)); // 0.30, a slow stretch
    rounds.add(3, phase("ideal", 40_000, 1_000, 40), phase("cluster", 18_000, 3_000, 80)); // 0.45

    assertThat(rounds.medianRatio()).isCloseTo(0.45, within(1e-9));
    Map<String, Object> json = new LinkedHashMap<>();
    rounds.reportRatio(json, "putRatio", 0.70);
    assertThat(json).containsEntry("putRatio", 0.45).containsEntry("putRatioPerRound", List.of(0.5, 0.3, 0.45));
  }

  @Test
  void anEvenNumberOfRoundsTakesTheMeanOfTheMiddleTwo() {
    PhaseRounds rounds = new PhaseRounds("get");
    rounds.add(1, phase("ideal", 100, 1, 1), phase("cluster", 40, 1, 1));
    rounds.add(2, phase("ideal", 100, 1, 1), phase("cluster", 60, 1, 1));
    assertThat(rounds.medianRatio()).isCloseTo(0.50, within(1e-9));
  }

  @Test
  void withoutTheIdealQuorumThereIsNoRatioButTheClusterIsStillPooled() {
    PhaseRounds rounds = new PhaseRounds("put");
    rounds.add(1, null, phase("cluster put", 1_000, 2_000, 90));
    assertThat(rounds.medianRatio()).isNaN();
    assertThat(rounds.ideal()).isNull();
    assertThat(rounds.cluster().ops()).isEqualTo(1_000);
    Map<String, Object> json = new LinkedHashMap<>();
    rounds.reportRatio(json, "putRatio", 0.70);
    assertThat(json).isEmpty();
  }

  @Test
  void pooledRoundsAddTheirOperationsAndTimesAndWeighCpuByOperations() {
    LatencyReport pooled = LatencyReport.pooled(List.of(
        phase("cluster put", 3_000, 1_000, 100), phase("cluster put", 1_000, 9_000, 60)));
    assertThat(pooled.name()).isEqualTo("cluster put");
    assertThat(pooled.ops()).isEqualTo(4_000);
    assertThat(pooled.opsPerSecond()).isCloseTo(2_000, within(1e-6));
    assertThat(pooled.cpuMicrosPerOp()).isCloseTo(90, within(1e-9));
    assertThat(pooled.latencyNanos().getTotalCount()).isEqualTo(4_000);
    assertThat(pooled.latencyNanos().getValueAtPercentile(50)).isLessThan(2_000_000);
    assertThat(pooled.latencyNanos().getMaxValue()).isGreaterThan(8_000_000);
  }

  /** A slow stretch stolen by the host weighs by how long it lasted, not by how much it did. */
  @Test
  void pooledRoundsWeighTheStolenShareByTime() {
    LatencyReport pooled = LatencyReport.pooled(List.of(
        phase("cluster put", 30_000, 1, 1_000, 80, 0.0), phase("cluster put", 10_000, 3, 1_000, 80, 0.40)));
    assertThat(pooled.stolenShare()).isCloseTo(0.30, within(1e-9));
    assertThat(BenchResults.row(pooled)).containsEntry("stolenPercent", 30.0);
    assertThat(pooled.row()).endsWith(" 30");
    LatencyReport unknown = LatencyReport.pooled(List.of(
        phase("cluster put", 1_000, 1, 1_000, 80, Double.NaN), phase("cluster put", 1_000, 1, 1_000, 80, 0.1)));
    assertThat(unknown.stolenShare()).isNaN();
    assertThat(BenchResults.row(unknown)).doesNotContainKey("stolenPercent");
  }
}
