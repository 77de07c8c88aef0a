package io.dynamokv.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ideal quorum's and the cluster's phases of one operation (put or get), round by round: each
 * round's ratio of the two rates, their median, and each side's rounds pooled into one report.
 */
final class PhaseRounds {

  private final String op;
  private final List<LatencyReport> ideal = new ArrayList<>();
  private final List<LatencyReport> cluster = new ArrayList<>();
  private final List<Double> ratios = new ArrayList<>();

  /** @param op the operation, as the report names it ("put" or "get") */
  PhaseRounds(String op) {
    this.op = op;
  }

  /** Adds a round: the cluster's phase and the ideal quorum's beside it (null without baselines). */
  void add(int round, LatencyReport idealReport, LatencyReport clusterReport) {
    cluster.add(clusterReport);
    if (idealReport == null) {
      return;
    }
    ideal.add(idealReport);
    double ratio = clusterReport.opsPerSecond() / idealReport.opsPerSecond();
    ratios.add(ratio);
    System.out.printf(Locale.ROOT, "round %d: cluster %s / ideal quorum %s = %.2f (%.0f / %.0f ops/s%s)%n", round, op, op,
        ratio, clusterReport.opsPerSecond(), idealReport.opsPerSecond(), stolen(clusterReport, idealReport));
  }

  /** "; the host stole x% / y% of the CPU" for the two phases, or nothing where that is not measured. */
  private static String stolen(LatencyReport cluster, LatencyReport ideal) {
    if (Double.isNaN(cluster.stolenShare()) || Double.isNaN(ideal.stolenShare())) {
      return "";
    }
    return String.format(Locale.ROOT, "; the host stole %.0f%% / %.0f%% of the CPU", cluster.stolenShare() * 100,
        ideal.stolenShare() * 100);
  }

  /** The ideal quorum's rounds pooled, or null if it did not run. */
  LatencyReport ideal() {
    return ideal.isEmpty() ? null : LatencyReport.pooled(ideal);
  }

  /** The cluster's rounds pooled, or null if this phase did not run. */
  LatencyReport cluster() {
    return cluster.isEmpty() ? null : LatencyReport.pooled(cluster);
  }

  /** Adds the pooled reports, the ideal quorum's first, to {@code reports}. */
  void pooledInto(List<LatencyReport> reports) {
    for (LatencyReport r : new LatencyReport[] {ideal(), cluster()}) {
      if (r != null) {
        reports.add(r);
      }
    }
  }

  /** The median of the rounds' ratios (the mean of the middle two for an even count); NaN if none. */
  double medianRatio() {
    if (ratios.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(ratios);
    sorted.sort(null);
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }

  /** Prints the ratio beside its {@code target} and puts it, and each round's, into {@code json} under {@code key}. */
  void reportRatio(Map<String, Object> json, String key, double target) {
    if (ratios.isEmpty()) {
      return;
    }
    double median = medianRatio();
    json.put(key, Math.round(median * 1000) / 1000.0);
    json.put(key + "PerRound", ratios.stream().map(r -> Math.round(r * 1000) / 1000.0).toList());
    String rounds = ratios.size() == 1 ? "" : String.format(Locale.ROOT, ", the median of %d rounds: %s", ratios.size(),
        String.join(" ", ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList()));
    System.out.printf(Locale.ROOT, "cluster %s / ideal quorum %s = %.2f (target >= %.2f)%s%n", op, op, median, target,
        rounds);
  }
}
