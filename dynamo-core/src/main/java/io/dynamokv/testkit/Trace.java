package io.dynamokv.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of a simulation in the order they happened, each stamped with virtual time. Two
 * runs of one seed produce equal traces (compare {@link #fingerprint()}, which covers every
 * event, even those past the capacity); a failing run prints its tail.
 *
 * <p>Thread-safe.
 */
public final class Trace {

  private final VirtualClock clock;
  private final ArrayDeque<String> events = new ArrayDeque<>();
  private final int capacity;
  private long recorded;
  private long fingerprint = 17;

  Trace(VirtualClock clock, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
  }

  /** Records one event. Beyond the capacity the oldest events are forgotten. */
  public synchronized void record(String event) {
    if (events.size() == capacity) {
      events.removeFirst();
    }
    String line = String.format("%10.3fms %s", clock.nanoTime() / 1e6, event);
    events.addLast(line);
    recorded++;
    fingerprint = fingerprint * 1_000_003L + line.hashCode();
  }

  /** Returns the remembered events, oldest first. */
  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** Returns how many events were recorded in all, forgotten ones included. */
  public synchronized long recorded() {
    return recorded;
  }

  /** Returns a hash of every event recorded, in order: equal for two runs of one seed. */
  public synchronized long fingerprint() {
    return fingerprint;
  }

  /** Returns the last {@code n} events, one a line. */
  public synchronized String tail(int n) {
    List<String> all = new ArrayList<>(events);
    return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
  }
}
