package io.dynamokv.examples.node;

import io.dynamokv.LatencySummary;
import java.util.Locale;
import java.util.Map;

/**
 * A node's counters and latencies in the Prometheus text format (version 0.0.4), as the admin
 * interface's {@code /metrics} serves them. Counters become {@code dynamokv_<name>} (dots and
 * dashes as underscores), labelled with the node; latencies become the summary
 * {@code dynamokv_latency_seconds} labelled with the operation and the store, with the quantiles
 * 0.5, 0.99 and 0.999 of the last minute or so, and the count and sum since the start.
 */
final class PrometheusText {

  private PrometheusText() {}

  static String render(String node, Map<String, Long> counters, Map<String, LatencySummary> latencies) {
    StringBuilder out = new StringBuilder(4096);
    String nodeLabel = "node=\"" + escape(node) + "\"";
    for (Map.Entry<String, Long> c : counters.entrySet()) {
      String name = "dynamokv_" + c.getKey().replaceAll("[^A-Za-z0-9_]", "_");
      out.append("# TYPE ").append(name).append(" untyped\n");
      out.append(name).append('{').append(nodeLabel).append("} ").append(c.getValue()).append('\n');
    }
    if (!latencies.isEmpty()) {
      out.append("# HELP dynamokv_latency_seconds Latency of operations by operation and store.\n");
      out.append("# TYPE dynamokv_latency_seconds summary\n");
    }
    for (Map.Entry<String, LatencySummary> l : latencies.entrySet()) {
      int slash = l.getKey().indexOf('/');
      String labels = nodeLabel + ",op=\"" + escape(l.getKey().substring(0, slash)) + "\",store=\""
          + escape(l.getKey().substring(slash + 1)) + "\"";
      LatencySummary s = l.getValue();
      quantile(out, labels, "0.5", s.p50().toNanos());
      quantile(out, labels, "0.99", s.p99().toNanos());
      quantile(out, labels, "0.999", s.p999().toNanos());
      out.append("dynamokv_latency_seconds_sum{").append(labels).append("} ").append(seconds(s.totalTime().toNanos()))
          .append('\n');
      out.append("dynamokv_latency_seconds_count{").append(labels).append("} ").append(s.total()).append('\n');
    }
    return out.toString();
  }

  private static void quantile(StringBuilder out, String labels, String q, long nanos) {
    out.append("dynamokv_latency_seconds{").append(labels).append(",quantile=\"").append(q).append("\"} ")
        .append(seconds(nanos)).append('\n');
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.9f", nanos / 1e9);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
