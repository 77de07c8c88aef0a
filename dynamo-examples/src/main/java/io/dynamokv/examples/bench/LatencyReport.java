package io.dynamokv.examples.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** One measured phase: how many operations, how long, and the latency distribution. */
record LatencyReport(String name, long ops, long elapsedNanos, Histogram latencyNanos) {

  double opsPerSecond() {
    return ops / (elapsedNanos / 1e9);
  }

  static String header() {
    return String.format(Locale.ROOT, "%-36s %10s %10s %9s %9s %9s %9s", "phase", "ops", "ops/s",
        "p50 us", "p99 us", "p99.9 us", "max us");
  }

  String row() {
    return String.format(Locale.ROOT, "%-36s %10d %10.0f %9.1f %9.1f %9.1f %9.1f", name, ops, opsPerSecond(),
        latencyNanos.getValueAtPercentile(50) / 1e3, latencyNanos.getValueAtPercentile(99) / 1e3,
        latencyNanos.getValueAtPercentile(99.9) / 1e3, latencyNanos.getMaxValue() / 1e3);
  }
}
