package io.dynamokv.internal.client;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.metrics.Latencies;
import io.dynamokv.internal.metrics.MeasuredCoordination;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The running parts of a client: the ring it follows, its view of which nodes answer, and the
 * router its stores send requests through. Built by {@code DynamoClient}; closing it stops the
 * background work (ring refresh, probes), not the transport or scheduler.
 */
public final class ClientRuntime {

  private final RingFollower ring;
  private final ClientHealth health;
  private final ClientRouter router;
  private final Latencies latencies;
  private final Coordination coordination;

  private ClientRuntime(RingFollower ring, ClientHealth health, ClientRouter router, Clock clock) {
    this.ring = ring;
    this.health = health;
    this.router = router;
    this.latencies = new Latencies(clock, java.time.Duration.ofMinutes(1), true);
    this.coordination = new MeasuredCoordination(router, latencies);
  }

  /**
   * Starts a client: asks the seeds for the ring and completes once one answered, or fails naming
   * each seed and why it did not.
   *
   * @param maxAttempts the most nodes one request is sent to
   * @param writeIdSeed a random number, different for each client run
   */
  public static CompletableFuture<ClientRuntime> start(Transport transport, Scheduler scheduler, Clock clock,
      List<Endpoint> seeds, Duration requestTimeout, Duration refreshInterval, int maxAttempts, long writeIdSeed) {
    RingFollower ring = new RingFollower(transport, scheduler, refreshInterval, requestTimeout);
    return ring.start(seeds).handle((view, failure) -> {
      if (failure != null) {
        ring.stop();
        throw new java.util.concurrent.CompletionException(io.dynamokv.internal.Failures.cause(failure));
      }
      ClientHealth health = new ClientHealth(transport, scheduler, clock, refreshInterval, ring::current);
      ClientRouter router = new ClientRouter(transport, scheduler, ring, health, maxAttempts, writeIdSeed);
      return new ClientRuntime(ring, health, router, clock);
    });
  }

  /** Returns what the client's stores send their requests through: the router, its latencies recorded. */
  public Coordination coordination() {
    return coordination;
  }

  /** Returns the latencies of the client's operations, by operation and store. */
  public Latencies latencies() {
    return latencies;
  }

  /** Returns how many nodes the committed ring the client holds has. */
  public int clusterSize() {
    return ring.current().ring().nodes().size();
  }

  /**
   * Returns the client's counters: requests sent, failovers (attempts after the first), requests
   * failed, gets read from primaries directly and those read again through a coordinator, ring
   * changes followed, and the version of the ring held.
   */
  public Map<String, Long> metrics() {
    Map<String, Long> m = new TreeMap<>();
    m.put("requests", router.requests.sum());
    m.put("requests.failed.over", router.failovers.sum());
    m.put("requests.failed", router.failures.sum());
    m.put("reads.direct", router.directReads.sum());
    m.put("reads.direct.missed", router.directReadsMissed.sum());
    m.put("ring.changes", ring.ringChanges());
    m.put("ring.version", ring.current().ring().version());
    m.put("nodes.believed.down", (long) health.down().size());
    m.putAll(latencies.failureCounts());
    return m;
  }

  /** Stops the ring refresh and the probes. */
  public void stop() {
    ring.stop();
    health.stop();
  }
}
