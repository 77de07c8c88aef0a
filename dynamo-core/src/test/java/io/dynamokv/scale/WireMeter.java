package io.dynamokv.scale;

import io.dynamokv.Endpoint;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the sampled nodes of a simulation sent, by message type (count and encoded bytes), and
 * which peers every node exchanged messages with (a real transport holds a connection to each).
 * Driven from the simulation's thread.
 */
final class WireMeter {

  private final Map<String, long[]> byType = new TreeMap<>();
  private final Map<Endpoint, Set<Endpoint>> links = new HashMap<>();

  void sent(String type, int bytes) {
    long[] c = byType.computeIfAbsent(type, t -> new long[2]);
    c[0]++;
    c[1] += bytes;
  }

  void linked(Endpoint from, Endpoint to) {
    links.computeIfAbsent(from, e -> new HashSet<>()).add(to);
    links.computeIfAbsent(to, e -> new HashSet<>()).add(from);
  }

  /** Forgets what was counted, to measure a window. */
  void reset() {
    byType.clear();
    links.clear();
  }

  /** Returns the count and bytes of each message type since the last reset. */
  Map<String, long[]> byType() {
    Map<String, long[]> copy = new TreeMap<>();
    byType.forEach((t, c) -> copy.put(t, c.clone()));
    return copy;
  }

  /** Returns the number of peers each node exchanged messages with since the last reset. */
  Map<Endpoint, Integer> peersPerNode() {
    Map<Endpoint, Integer> out = new HashMap<>();
    links.forEach((e, peers) -> out.put(e, peers.size()));
    return out;
  }
}
