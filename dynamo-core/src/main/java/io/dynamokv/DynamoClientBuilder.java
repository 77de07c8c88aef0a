package io.dynamokv;

import io.dynamokv.internal.Checks;
import io.dynamokv.internal.Limits;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.SystemClock;
import io.dynamokv.spi.Transport;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Collects a client's settings; {@link DynamoClient#newBuilder} starts one. Each may be set once
 * (a second call throws {@link IllegalStateException}), and {@link #build()} checks them
 * together. Not thread-safe.
 */
public final class DynamoClientBuilder {

  private final List<Endpoint> seeds = new ArrayList<>();
  private Transport transport;
  private Replication replication;
  private Duration requestTimeout;
  private Duration ringRefreshInterval;
  private Integer maxAttempts;
  private Integer maxKeyBytes;
  private Integer maxValueBytes;
  private Clock clock;
  private Scheduler scheduler;
  private RandomGenerator random;

  DynamoClientBuilder() {}

  /** Adds a seed: any node of the cluster, which the client asks for the ring (at least one). */
  public DynamoClientBuilder seed(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (!seeds.contains(endpoint)) {
      seeds.add(endpoint);
    }
    return this;
  }

  /**
   * The transport (required), with the cluster's authentication (its secret or TLS with a client
   * certificate); the client sends on it and never listens. The client closes it.
   */
  public DynamoClientBuilder transport(Transport transport) {
    Checks.requireUnset(this.transport, "transport");
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /** The default N, R, W of stores; default 3, 2, 2, as a node's. */
  public DynamoClientBuilder replication(Replication replication) {
    Checks.requireUnset(this.replication, "replication");
    this.replication = Objects.requireNonNull(replication, "replication");
    return this;
  }

  /** The default deadline of reads and writes, failovers included; default 2 s. */
  public DynamoClientBuilder requestTimeout(Duration timeout) {
    Checks.requireUnset(this.requestTimeout, "requestTimeout");
    this.requestTimeout = Checks.requirePositive("requestTimeout", timeout);
    return this;
  }

  /** How often the client asks a node whether the ring moved on (and probes nodes it believes down); default 1 s. */
  public DynamoClientBuilder ringRefreshInterval(Duration interval) {
    Checks.requireUnset(this.ringRefreshInterval, "ringRefreshInterval");
    this.ringRefreshInterval = Checks.requirePositive("ringRefreshInterval", interval);
    return this;
  }

  /**
   * The most nodes one request is sent to before it fails (the first, then failovers on an
   * unreachable or silent node), all within its deadline; default 3, at most 16.
   */
  public DynamoClientBuilder maxAttempts(int attempts) {
    Checks.requireUnset(this.maxAttempts, "maxAttempts");
    Checks.requireInRange("maxAttempts", attempts, 1, 16);
    this.maxAttempts = attempts;
    return this;
  }

  /** The longest key, in UTF-8 bytes, checked before sending; default 1024, as a node's. */
  public DynamoClientBuilder maxKeyBytes(int bytes) {
    Checks.requireUnset(this.maxKeyBytes, "maxKeyBytes");
    new Limits(bytes, 1, 1, 1); // checks the range
    this.maxKeyBytes = bytes;
    return this;
  }

  /** The longest encoded value, checked before sending; default 1 MiB, as a node's. */
  public DynamoClientBuilder maxValueBytes(int bytes) {
    Checks.requireUnset(this.maxValueBytes, "maxValueBytes");
    Checks.requireInRange("maxValueBytes", bytes, 1, 8 << 20);
    this.maxValueBytes = bytes;
    return this;
  }

  /** The clock; default the system's. Simulations pass a virtual one. */
  public DynamoClientBuilder clock(Clock clock) {
    Checks.requireUnset(this.clock, "clock");
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The scheduler for background work and callbacks; default a pool of two threads the client owns. */
  public DynamoClientBuilder scheduler(Scheduler scheduler) {
    Checks.requireUnset(this.scheduler, "scheduler");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /** The random source (write ids); default seeded from SecureRandom. Simulations pass a seeded one. */
  public DynamoClientBuilder random(RandomGenerator random) {
    Checks.requireUnset(this.random, "random");
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** Checks the settings together and returns the client, not yet started. */
  public DynamoClient build() {
    if (transport == null) {
      throw new IllegalStateException("transport is required (e.g. NettyTransport.create(NettyTransportConfig"
          + ".newClientBuilder().build()))");
    }
    if (seeds.isEmpty()) {
      throw new IllegalStateException("seeds are empty (expected: at least one node of the cluster)");
    }
    return new DynamoClient(new Settings(List.copyOf(seeds), transport,
        Objects.requireNonNullElse(replication, Replication.of(3, 2, 2)),
        Objects.requireNonNullElse(requestTimeout, Duration.ofSeconds(2)),
        Objects.requireNonNullElse(ringRefreshInterval, Duration.ofSeconds(1)),
        Objects.requireNonNullElse(maxAttempts, 3),
        DynamoClient.limits(Objects.requireNonNullElse(maxKeyBytes, 1024), Objects.requireNonNullElse(maxValueBytes, 1 << 20)),
        Objects.requireNonNullElse(clock, SystemClock.INSTANCE), Optional.ofNullable(scheduler),
        random != null ? random : new SplittableRandom(new SecureRandom().nextLong())));
  }

  /** The checked settings. */
  record Settings(List<Endpoint> seeds, Transport transport, Replication replication, Duration requestTimeout,
      Duration ringRefreshInterval, int maxAttempts, Limits limits, Clock clock, Optional<Scheduler> scheduler,
      RandomGenerator random) {}
}
