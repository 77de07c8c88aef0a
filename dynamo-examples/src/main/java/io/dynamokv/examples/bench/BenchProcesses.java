package io.dynamokv.examples.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the benchmark's helper JVMs (the node processes, the ideal quorum's servers) the same
 * way, so that the cluster and its baseline run with the same java, heap and options, and adds
 * up the CPU they use.
 */
final class BenchProcesses {

  private BenchProcesses() {}

  /**
   * Starts {@code main} with {@code args} in a new JVM: this JVM's java and class path, the given
   * heap and options; its output goes to {@code log}, appended.
   */
  static Process start(Class<?> main, List<String> args, String heap, List<String> jvmOptions, Path log)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** The CPU time {@code processes} have used so far, in nanoseconds (0 for one that does not say). */
  static long cpuNanos(List<Process> processes) {
    long total = 0;
    for (Process p : processes) {
      total += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
    return total;
  }
}
