package io.dynamokv;

import io.dynamokv.internal.metrics.Latencies;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The latency of one operation of one store, at a node or client: percentiles over its last
 * minute or so of requests (within about 6%), and counts. Failed requests count too: a request's
 * latency is how long it took to answer, either way.
 *
 * @param total requests since the node or client started
 * @param totalTime the time all those requests took together
 * @param recent requests in the window the percentiles cover
 * @param p50 the median of the window
 * @param p99 the 99th percentile of the window
 * @param p999 the 99.9th percentile of the window
 * @param max the longest of the window
 */
public record LatencySummary(long total, Duration totalTime, long recent, Duration p50, Duration p99, Duration p999,
    Duration max) {

  /** Returns the summaries of {@code latencies}' recorders, keyed {@code op/store}. */
  static SortedMap<String, LatencySummary> of(Latencies latencies) {
    SortedMap<String, LatencySummary> out = new TreeMap<>();
    latencies.snapshot().forEach((k, s) -> out.put(k, new LatencySummary(s.total(), Duration.ofNanos(s.totalNanos()),
        s.windowCount(), Duration.ofNanos(s.p50()), Duration.ofNanos(s.p99()), Duration.ofNanos(s.p999()),
        Duration.ofNanos(s.max()))));
    return out;
  }
}
