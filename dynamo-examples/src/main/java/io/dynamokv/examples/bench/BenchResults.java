package io.dynamokv.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a benchmark's results as JSON and its latency percentiles as an SVG plot. */
final class BenchResults {

  private static final double[] PERCENTILES = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"};

  private BenchResults() {}

  static Map<String, Object> row(LatencyReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", r.name());
    m.put("ops", r.ops());
    m.put("opsPerSecond", Math.round(r.opsPerSecond()));
    if (!Double.isNaN(r.cpuMicrosPerOp())) {
      m.put("cpuMicrosPerOp", Math.round(r.cpuMicrosPerOp() * 10) / 10.0);
    }
    if (!Double.isNaN(r.allocatedBytesPerOp())) {
      m.put("allocatedBytesPerOp", Math.round(r.allocatedBytesPerOp()));
    }
    if (!Double.isNaN(r.stolenShare())) {
      m.put("stolenPercent", Math.round(r.stolenShare() * 1000) / 10.0);
    }
    m.put("p50Micros", r.latencyNanos().getValueAtPercentile(50) / 1000);
    m.put("p99Micros", r.latencyNanos().getValueAtPercentile(99) / 1000);
    m.put("p999Micros", r.latencyNanos().getValueAtPercentile(99.9) / 1000);
    m.put("maxMicros", r.latencyNanos().getMaxValue() / 1000);
    return m;
  }

  static void writeJson(Path file, Map<String, Object> config, List<LatencyReport> reports, Map<String, Object> ratios)
      throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("config", config);
    List<Map<String, Object>> rows = new ArrayList<>();
    reports.forEach(r -> rows.add(row(r)));
    out.put("phases", rows);
    out.put("ratios", ratios);
    Files.createDirectories(file.getParent());
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), out);
  }

  /**
   * Plots latency against percentile for each report: x is the percentile on a log scale of
   * 1/(1-p) (so 90, 99, 99.9, 99.99 are evenly spaced), y the latency in milliseconds.
   */
  static void writeSvg(Path file, String title, List<LatencyReport> reports) throws IOException {
    int width = 760;
    int height = 440;
    int left = 70;
    int right = 220;
    int top = 40;
    int bottom = 60;
    double maxMs = 0.001;
    for (LatencyReport r : reports) {
      maxMs = Math.max(maxMs, r.latencyNanos().getValueAtPercentile(99.99) / 1e6);
    }
    maxMs = niceCeiling(maxMs);
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", left, escape(title)));
    for (int i = 0; i <= 4; i++) {
      double x = left + plotW * i / 4;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          x, top, x, top + plotH));
      String label = new String[] {"0", "90", "99", "99.9", "99.99"}[i];
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
          x, top + plotH + 18, label));
    }
    for (int i = 0; i <= 5; i++) {
      double y = top + plotH - plotH * i / 5;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          left, y, left + plotW, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n",
          left - 6, y + 4, maxMs * i / 5));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
        left + plotW / 2, height - 15));
    svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" "
        + "text-anchor=\"middle\">latency (ms)</text>%n", top + plotH / 2, top + plotH / 2));
    for (int s = 0; s < reports.size(); s++) {
      LatencyReport r = reports.get(s);
      String color = COLORS[s % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (double p : PERCENTILES) {
        double x = left + plotW * Math.min(4, Math.log10(1 / (1 - p / 100))) / 4;
        double ms = r.latencyNanos().getValueAtPercentile(p) / 1e6;
        double y = top + plotH - plotH * Math.min(1, ms / maxMs);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
          color, points.toString().trim()));
      double ly = top + 10 + s * 20;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
          + "stroke-width=\"3\"/>%n", left + plotW + 12, ly, left + plotW + 32, ly, color));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", left + plotW + 38, ly + 4,
          escape(r.name())));
    }
    svg.append("</svg>\n");
    Files.createDirectories(file.getParent());
    Files.writeString(file, svg.toString());
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (v <= step * magnitude) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
