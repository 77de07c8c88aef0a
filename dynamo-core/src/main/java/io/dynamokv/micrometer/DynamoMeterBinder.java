package io.dynamokv.micrometer;

import io.dynamokv.DynamoClient;
import io.dynamokv.DynamoNode;
import io.dynamokv.LatencySummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reports a node's or a client's metrics through Micrometer, for a service that already does
 * (Spring Boot, Quarkus, Micronaut): each counter as {@code dynamokv.<name>} (a function counter),
 * and each operation's latency by store as the timer {@code dynamokv.requests} (count and total
 * time) with the gauges {@code dynamokv.latency} of its recent p50, p99, p99.9 and max, tagged
 * {@code node} (or {@code client}), {@code op} and {@code store}.
 *
 * <pre>{@code
 * new DynamoMeterBinder(node).bindTo(registry);
 * }</pre>
 *
 * <p>Meters are registered for the counters and the stores' operations that exist when
 * {@link #bindTo} runs; call it again (registering is idempotent) to add those that appeared
 * since, for example once a minute. Micrometer is an optional dependency of dynamo-core: this class
 * is the only one that needs it.
 */
public final class DynamoMeterBinder implements MeterBinder {

  private final Supplier<Map<String, Long>> counters;
  private final Supplier<Map<String, LatencySummary>> latencies;
  private final Supplier<Map<String, Long>> freshCounters;
  private final Supplier<Map<String, LatencySummary>> freshLatencies;
  private final Tags tags;

  /** Reports {@code node}'s metrics, tagged with its id. */
  public DynamoMeterBinder(DynamoNode node) {
    this(node::metrics, node::latencies, Tags.of("node", Objects.requireNonNull(node, "node").id().value()));
  }

  /** Reports {@code client}'s metrics, tagged {@code client=<name>}. */
  public DynamoMeterBinder(DynamoClient client, String name) {
    this(client::metrics, client::latencies, Tags.of("client", Objects.requireNonNull(name, "name")));
  }

  private DynamoMeterBinder(Supplier<Map<String, Long>> counters, Supplier<Map<String, LatencySummary>> latencies,
      Tags tags) {
    // A scrape reads every meter: one snapshot a second serves them all, instead of one each.
    this.counters = new Snapshot<>(counters, this::monotonicNanos);
    this.latencies = new Snapshot<>(latencies, this::monotonicNanos);
    this.freshCounters = counters;
    this.freshLatencies = latencies;
    this.tags = tags;
  }

  /** The registry's clock, once bound: a snapshot's age is the registry's time, as its meters' is. */
  private volatile io.micrometer.core.instrument.Clock clock = io.micrometer.core.instrument.Clock.SYSTEM;

  private long monotonicNanos() {
    return clock.monotonicTime();
  }

  /** The last value of {@code source}, taken anew when older than a second. Thread-safe. */
  private static final class Snapshot<T> implements Supplier<T> {
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final Supplier<T> source;
    private final java.util.function.LongSupplier nanos;
    private T value;
    private long takenAt;

    Snapshot(Supplier<T> source, java.util.function.LongSupplier nanos) {
      this.source = source;
      this.nanos = nanos;
    }

    @Override
    public synchronized T get() {
      long now = nanos.getAsLong();
      if (value == null || now - takenAt > MAX_AGE_NANOS) {
        value = source.get();
        takenAt = now;
      }
      return value;
    }
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    clock = registry.config().clock();
    for (String name : freshCounters.get().keySet()) {
      FunctionCounter.builder("dynamokv." + name, counters, c -> c.get().getOrDefault(name, 0L))
          .tags(tags).register(registry);
    }
    for (String key : freshLatencies.get().keySet()) {
      int slash = key.indexOf('/');
      Tags t = tags.and("op", key.substring(0, slash), "store", key.substring(slash + 1));
      FunctionTimer.builder("dynamokv.requests", latencies, l -> summary(l, key).total(),
          l -> summary(l, key).totalTime().toNanos(), TimeUnit.NANOSECONDS).tags(t).register(registry);
      gauge(registry, t, "0.5", key, LatencySummary::p50);
      gauge(registry, t, "0.99", key, LatencySummary::p99);
      gauge(registry, t, "0.999", key, LatencySummary::p999);
      gauge(registry, t, "max", key, LatencySummary::max);
    }
  }

  private void gauge(MeterRegistry registry, Tags t, String quantile, String key,
      Function<LatencySummary, Duration> value) {
    Gauge.builder("dynamokv.latency", latencies, l -> value.apply(summary(l, key)).toNanos() / 1e9)
        .tags(t.and("quantile", quantile)).baseUnit("seconds").register(registry);
  }

  private static LatencySummary summary(Supplier<Map<String, LatencySummary>> latencies, String key) {
    LatencySummary s = latencies.get().get(key);
    return s != null ? s : new LatencySummary(0, Duration.ZERO, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        Duration.ZERO);
  }
}
