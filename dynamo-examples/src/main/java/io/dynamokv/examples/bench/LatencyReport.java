package io.dynamokv.examples.bench;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One measured phase: how many operations, how long, the latency distribution, the process's
 * CPU time and heap bytes allocated per operation, and the share of the machine's CPU time the
 * host stole meanwhile ({@link StolenTime}; NaN where not measured). On a saturated machine CPU
 * and allocation per operation are the steadier figures: they move less with what else the
 * machine runs, so they show a change that the rates, noisier, cannot; the stolen share says
 * when a rate was the host's doing.
 */
record LatencyReport(String name, long ops, long elapsedNanos, Histogram latencyNanos, double cpuMicrosPerOp,
    double allocatedBytesPerOp, double stolenShare) {

  LatencyReport(String name, long ops, long elapsedNanos, Histogram latencyNanos) {
    this(name, ops, elapsedNanos, latencyNanos, Double.NaN, Double.NaN, Double.NaN);
  }

  /**
   * One report of several phases of the same operation: their operations and times added, their
   * histograms merged, the CPU and allocation per operation weighted by each phase's count, and
   * the stolen share by each phase's time.
   */
  static LatencyReport pooled(List<LatencyReport> phases) {
    if (phases.size() == 1) {
      return phases.get(0);
    }
    long ops = 0;
    long elapsed = 0;
    double cpu = 0;
    double allocated = 0;
    double stolen = 0;
    Histogram all = phases.get(0).latencyNanos().copy();
    for (int i = 0; i < phases.size(); i++) {
      LatencyReport r = phases.get(i);
      ops += r.ops();
      elapsed += r.elapsedNanos();
      cpu += r.cpuMicrosPerOp() * r.ops();
      allocated += r.allocatedBytesPerOp() * r.ops();
      stolen += r.stolenShare() * r.elapsedNanos();
      if (i > 0) {
        all.add(r.latencyNanos());
      }
    }
    return new LatencyReport(phases.get(0).name(), ops, elapsed, all, cpu / Math.max(1, ops), allocated / Math.max(1, ops),
        stolen / Math.max(1, elapsed));
  }

  /** The heap bytes this JVM's threads have allocated so far, or -1 if the JVM cannot tell. */
  static long processAllocatedBytes() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    return threads instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemoryEnabled()
        ? t.getTotalThreadAllocatedBytes() : -1;
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
    return String.format(Locale.ROOT, "%-36s %10s %10s %9s %9s %9s %9s %10s %12s %8s", "phase", "ops", "ops/s",
        "p50 us", "p99 us", "p99.9 us", "max us", "cpu us/op", "alloc KB/op", "steal %");
  }

  String row() {
    return String.format(Locale.ROOT, "%-36s %10d %10.0f %9.1f %9.1f %9.1f %9.1f %10s %12s %8s", name, ops, opsPerSecond(),
        latencyNanos.getValueAtPercentile(50) / 1e3, latencyNanos.getValueAtPercentile(99) / 1e3,
        latencyNanos.getValueAtPercentile(99.9) / 1e3, latencyNanos.getMaxValue() / 1e3,
        Double.isNaN(cpuMicrosPerOp) ? "-" : String.format(Locale.ROOT, "%.1f", cpuMicrosPerOp),
        Double.isNaN(allocatedBytesPerOp) ? "-" : String.format(Locale.ROOT, "%.1f", allocatedBytesPerOp / 1024),
        Double.isNaN(stolenShare) ? "-" : String.format(Locale.ROOT, "%.0f", stolenShare * 100));
  }
}
