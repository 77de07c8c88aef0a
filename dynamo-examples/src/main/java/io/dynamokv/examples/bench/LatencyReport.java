package io.dynamokv.examples.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One measured phase: how many operations, how long, the latency distribution, and the
 * process's CPU time per operation (NaN where not measured). On a saturated machine the CPU per
 * operation is the steadier figure: it moves less with what else the machine runs.
 */
record LatencyReport(String name, long ops, long elapsedNanos, Histogram latencyNanos, double cpuMicrosPerOp) {

  LatencyReport(String name, long ops, long elapsedNanos, Histogram latencyNanos) {
    this(name, ops, elapsedNanos, latencyNanos, Double.NaN);
  }

  /** The CPU time this process has used, all threads, in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  double opsPerSecond() {
    return ops / (elapsedNanos / 1e9);
  }

  static String header() {
    return String.format(Locale.ROOT, "%-36s %10s %10s %9s %9s %9s %9s %10s", "phase", "ops", "ops/s",
        "p50 us", "p99 us", "p99.9 us", "max us", "cpu us/op");
  }

  String row() {
    return String.format(Locale.ROOT, "%-36s %10d %10.0f %9.1f %9.1f %9.1f %9.1f %10s", name, ops, opsPerSecond(),
        latencyNanos.getValueAtPercentile(50) / 1e3, latencyNanos.getValueAtPercentile(99) / 1e3,
        latencyNanos.getValueAtPercentile(99.9) / 1e3, latencyNanos.getMaxValue() / 1e3,
        Double.isNaN(cpuMicrosPerOp) ? "-" : String.format(Locale.ROOT, "%.1f", cpuMicrosPerOp));
  }
}
