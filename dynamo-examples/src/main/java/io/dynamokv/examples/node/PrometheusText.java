package io.dynamokv.examples.node;

import io.dynamokv.ClusterStatus;
import io.dynamokv.LatencySummary;
import io.dynamokv.NodeId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's counters and latencies in the Prometheus text format (version 0.0.4), as the admin
 * interface's {@code /metrics} serves them. Counters become {@code dynamokv_<name>} (dots and
 * dashes as underscores), labelled with the node; latencies become the summary
 * {@code dynamokv_latency_seconds} labelled with the operation and the store, with the quantiles
 * 0.5, 0.99 and 0.999 of the last minute or so, and the count and sum since the start. From the
 * node's status come gauges per peer ({@code dynamokv_peer_*}: reachable, phi, seconds since its
 * last heartbeat) and per hint target ({@code dynamokv_hints_held}, {@code dynamokv_hint_bytes_held}).
 */
final class PrometheusText {

  private PrometheusText() {}

  static String render(ClusterStatus status, Map<String, Long> counters, Map<String, LatencySummary> latencies) {
    StringBuilder out = new StringBuilder(4096);
    String nodeLabel = "node=\"" + escape(status.self().value()) + "\"";
    for (Map.Entry<String, Long> c : counters.entrySet()) {
      String name = "dynamokv_" + c.getKey().replaceAll("[^A-Za-z0-9_]", "_");
      out.append("# TYPE ").append(name).append(" untyped\n");
      out.append(name).append('{').append(nodeLabel).append("} ").append(c.getValue()).append('\n');
    }
    peers(out, nodeLabel, status);
    hints(out, nodeLabel, status);
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

  private static void peers(StringBuilder out, String nodeLabel, ClusterStatus status) {
    List<ClusterStatus.Member> peers = status.members().stream()
        .filter(m -> !m.id().equals(status.self()) && !m.status().equals("LEFT")).toList();
    if (peers.isEmpty()) {
      return;
    }
    gauge(out, "dynamokv_peer_reachable", "1 if this node believes the peer up.");
    peers.forEach(m -> sample(out, "dynamokv_peer_reachable", nodeLabel, "peer", m.id().value(), m.reachable() ? "1" : "0"));
    gauge(out, "dynamokv_peer_phi", "The failure detector's suspicion of the peer.");
    peers.forEach(m -> sample(out, "dynamokv_peer_phi", nodeLabel, "peer", m.id().value(),
        String.format(Locale.ROOT, "%.3f", m.phi())));
    gauge(out, "dynamokv_peer_heartbeat_age_seconds", "Seconds since the peer's last newer heartbeat arrived.");
    peers.forEach(m -> m.sinceHeartbeat().ifPresent(age -> sample(out, "dynamokv_peer_heartbeat_age_seconds", nodeLabel,
        "peer", m.id().value(), seconds(age.toNanos()))));
  }

  private static void hints(StringBuilder out, String nodeLabel, ClusterStatus status) {
    if (status.hintsByTarget().isEmpty()) {
      return;
    }
    Map<NodeId, ClusterStatus.HintBacklog> byTarget = new TreeMap<>(status.hintsByTarget());
    gauge(out, "dynamokv_hints_held", "Hints held for the target node, not yet delivered.");
    byTarget.forEach((t, b) -> sample(out, "dynamokv_hints_held", nodeLabel, "target", t.value(), Long.toString(b.hints())));
    gauge(out, "dynamokv_hint_bytes_held", "Bytes of the hints held for the target node.");
    byTarget.forEach((t, b) -> sample(out, "dynamokv_hint_bytes_held", nodeLabel, "target", t.value(),
        Long.toString(b.bytes())));
  }

  private static void gauge(StringBuilder out, String name, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
  }

  private static void sample(StringBuilder out, String name, String nodeLabel, String label, String labelValue,
      String value) {
    out.append(name).append('{').append(nodeLabel).append(',').append(label).append("=\"").append(escape(labelValue))
        .append("\"} ").append(value).append('\n');
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
