package io.dynamokv.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The share of the machine's CPU time that its hypervisor gave to others ("steal" in
 * {@code /proc/stat}). On a shared virtual machine this is how a slow stretch shows itself: the
 * same phase ran at half its usual rate while a third of the CPU was stolen, and a benchmark
 * that prints it beside each phase lets a reader tell the code's change from the host's.
 *
 * <p>Linux only; elsewhere (or if {@code /proc/stat} cannot be read) every share is NaN.
 */
final class StolenTime {

  private static final Path PROC_STAT = Path.of("/proc/stat");

  /** The machine's CPU time counters at one moment, in clock ticks: stolen, and all. */
  record Sample(long stolen, long total) {}

  private StolenTime() {}

  /** The counters now, or empty where the system does not keep them. */
  static Optional<Sample> now() {
    try {
      List<String> lines = Files.readAllLines(PROC_STAT);
      return lines.isEmpty() ? Optional.empty() : parse(lines.get(0));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses the first line of {@code /proc/stat}: {@code cpu user nice system idle iowait irq
   * softirq steal guest guest_nice}. Guest time is already counted in user time, so the total
   * is the first eight fields.
   */
  static Optional<Sample> parse(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (f.length < 9 || !f[0].equals("cpu")) {
      return Optional.empty();
    }
    long total = 0;
    for (int i = 1; i <= 8; i++) {
      total += Long.parseLong(f[i]);
    }
    return Optional.of(new Sample(Long.parseLong(f[8]), total));
  }

  /** The share stolen between {@code start} and {@code end}: 0 to 1, NaN if either is missing or no time passed. */
  static double share(Optional<Sample> start, Optional<Sample> end) {
    if (start.isEmpty() || end.isEmpty()) {
      return Double.NaN;
    }
    long total = end.get().total() - start.get().total();
    return total <= 0 ? Double.NaN : (double) (end.get().stolen() - start.get().stolen()) / total;
  }
}
