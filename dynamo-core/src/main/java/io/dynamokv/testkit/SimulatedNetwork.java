package io.dynamokv.testkit;

import io.dynamokv.Endpoint;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * A network of {@link Transport}s inside one JVM, with faults: latency drawn between a minimum
 * and a maximum (which also reorders messages), dropped and duplicated messages, partitions
 * into groups, and cut links. Every message is one event on the {@link SimulatedScheduler}, and
 * every random choice comes from the simulation's seeded generator, so a run is replayable.
 *
 * <p>Faults are checked both when a message is sent and when it arrives: a partition that
 * starts while a message is in flight loses it, as a real one would.
 *
 * <p>Driven from the simulation's thread; not for concurrent use.
 */
public final class SimulatedNetwork {

  private final SimulatedScheduler scheduler;
  private final RandomGenerator random;
  private final Trace trace;
  private final Map<Endpoint, SimulatedTransport> listening = new HashMap<>();
  private final Map<Endpoint, Integer> groups = new HashMap<>();
  private final Set<Set<Endpoint>> cutLinks = new HashSet<>();
  private long minLatencyNanos = Duration.ofMillis(1).toNanos();
  private long maxLatencyNanos = Duration.ofMillis(5).toNanos();
  private double dropRate;
  private double duplicateRate;
  private boolean traceMessages = true;
  private long sent;
  private long delivered;
  private long dropped;
  private int nextGroup = 1;

  SimulatedNetwork(SimulatedScheduler scheduler, RandomGenerator random, Trace trace) {
    this.scheduler = scheduler;
    this.random = random;
    this.trace = trace;
  }

  /** Returns a new transport that will listen at {@code endpoint} once started. */
  public Transport transport(Endpoint endpoint) {
    return new SimulatedTransport(this, Objects.requireNonNull(endpoint, "endpoint"));
  }

  /** Sets the one-way latency range of every message. */
  public void setLatency(Duration min, Duration max) {
    if (min.isNegative() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("latency : [" + min + ", " + max + "] (expected: 0 <= min <= max)");
    }
    minLatencyNanos = min.toNanos();
    maxLatencyNanos = max.toNanos();
  }

  /**
   * Sets whether each message's sending, arrival and loss are recorded in the trace (the default).
   * A simulation of hundreds of nodes turns it off: describing every message would cost more than
   * delivering it. Faults and other events are still recorded.
   */
  public void setMessageTracing(boolean on) {
    traceMessages = on;
  }

  boolean tracesMessages() {
    return traceMessages;
  }

  /** Sets the probability that a message is lost. */
  public void setDropRate(double rate) {
    dropRate = probability("drop rate", rate);
  }

  /** Sets the probability that a message is delivered twice. */
  public void setDuplicateRate(double rate) {
    duplicateRate = probability("duplicate rate", rate);
  }

  private static double probability(String what, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " : " + p + " (expected: 0..1)");
    }
    return p;
  }

  /**
   * Splits the network: endpoints in different groups cannot reach each other, and endpoints in
   * no group form one more group of their own. Replaces any earlier partition.
   */
  @SafeVarargs
  public final void partition(Set<Endpoint>... parts) {
    groups.clear();
    for (Set<Endpoint> part : parts) {
      int id = nextGroup++;
      for (Endpoint e : part) {
        groups.put(e, id);
      }
    }
    trace.record("partition " + List.of(parts));
  }

  /** Cuts {@code endpoint} off from every other endpoint. */
  public void isolate(Endpoint endpoint) {
    partition(Set.of(endpoint));
  }

  /** Cuts the link between {@code a} and {@code b} in both directions, leaving their other links. */
  public void cutLink(Endpoint a, Endpoint b) {
    cutLinks.add(Set.of(a, b));
    trace.record("cut " + a + " <-> " + b);
  }

  /** Ends every partition and restores every cut link. */
  public void heal() {
    groups.clear();
    cutLinks.clear();
    trace.record("heal");
  }

  /** Returns whether a message from {@code from} can reach {@code to} now. */
  public boolean canReach(Endpoint from, Endpoint to) {
    if (from.equals(to)) {
      return true;
    }
    return groups.getOrDefault(from, 0).equals(groups.getOrDefault(to, 0))
        && !cutLinks.contains(Set.of(from, to));
  }

  /** Returns the numbers of messages sent, delivered and dropped so far. */
  public String stats() {
    return "sent=" + sent + " delivered=" + delivered + " dropped=" + dropped;
  }

  /** Returns how many messages have been delivered so far (duplicates included). */
  public long delivered() {
    return delivered;
  }

  // ---- used by SimulatedTransport ----

  SimulatedScheduler scheduler() {
    return scheduler;
  }

  Trace trace() {
    return trace;
  }

  void listen(Endpoint endpoint, SimulatedTransport transport) {
    SimulatedTransport existing = listening.get(endpoint);
    if (existing != null && existing != transport) {
      throw new IllegalStateException("address in use: " + endpoint);
    }
    listening.put(endpoint, transport);
  }

  void unlisten(Endpoint endpoint, SimulatedTransport transport) {
    listening.remove(endpoint, transport);
  }

  SimulatedTransport listener(Endpoint endpoint) {
    return listening.get(endpoint);
  }

  /**
   * Carries one message from {@code from} to {@code to}: subject to partitions, loss, latency and
   * duplication, then {@code onArrival} runs at the receiver's virtual arrival time.
   */
  void transmit(Endpoint from, Endpoint to, String what, Runnable onArrival) {
    sent++;
    if (!canReach(from, to)) {
      drop(from, to, what, "partitioned");
      return;
    }
    if (dropRate > 0 && random.nextDouble() < dropRate) {
      drop(from, to, what, "lost");
      return;
    }
    int copies = duplicateRate > 0 && random.nextDouble() < duplicateRate ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      String label = copies > 1 && traceMessages ? what + " (copy " + (i + 1) + ")" : what;
      scheduler.schedule(Duration.ofNanos(latency()), () -> {
        if (!canReach(from, to)) {
          drop(from, to, label, "partitioned in flight");
          return;
        }
        delivered++;
        if (traceMessages) {
          trace.record(from + " -> " + to + " " + label);
        }
        onArrival.run();
      });
    }
  }

  private void drop(Endpoint from, Endpoint to, String what, String why) {
    dropped++;
    if (!traceMessages) {
      return;
    }
    trace.record("drop (" + why + ") " + from + " -> " + to + " " + what);
  }

  private long latency() {
    return minLatencyNanos == maxLatencyNanos
        ? minLatencyNanos
        : random.nextLong(minLatencyNanos, maxLatencyNanos + 1);
  }
}
