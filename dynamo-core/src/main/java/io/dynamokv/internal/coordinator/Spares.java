package io.dynamokv.internal.coordinator;

import io.dynamokv.NodeId;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The fallbacks a sloppy quorum may send to in place of primaries: those believed up, in the
 * order of the preference list, taken from its walk only as they are needed (a cluster of a
 * thousand nodes has nearly a thousand fallbacks, and most requests take none). A read puts the
 * replicas it did not ask first ahead of them ({@link #putAhead}).
 *
 * <p>Thread-safe: replies on transport threads take spares as replicas fail.
 */
final class Spares {

  private final Iterator<NodeId> walk;
  private final Predicate<NodeId> up;
  private final Deque<NodeId> ahead = new ArrayDeque<>();
  private final Set<NodeId> skip = new HashSet<>();
  private int replicasAhead;

  private Spares(Iterator<NodeId> walk, Predicate<NodeId> up) {
    this.walk = walk;
    this.up = up;
  }

  /** The healthy ones of {@code fallbacks}, in their order. */
  static Spares of(List<NodeId> fallbacks, Predicate<NodeId> up) {
    return new Spares(fallbacks.iterator(), up);
  }

  /** None: a strict quorum. */
  static Spares none() {
    return new Spares(Collections.emptyIterator(), n -> false);
  }

  /** Takes the next spare, or null if none is left. */
  synchronized NodeId poll() {
    if (replicasAhead > 0) {
      replicasAhead--;
      return ahead.poll();
    }
    fill();
    return ahead.poll();
  }

  /** Returns whether no spare is left. */
  synchronized boolean isEmpty() {
    fill();
    return ahead.isEmpty();
  }

  /**
   * Puts {@code nodes} ahead of every fallback, in their order: the replicas a read held back, to
   * ask before any fallback. For reads only; a write's {@link #takeFirst} is not used with it.
   */
  synchronized void putAhead(List<NodeId> nodes) {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      ahead.addFirst(nodes.get(i));
    }
    replicasAhead += nodes.size();
  }

  /** Takes the next of the nodes {@link #putAhead} put ahead, or null if none is left. */
  synchronized NodeId pollAhead() {
    return replicasAhead == 0 ? null : poll();
  }

  /** Puts {@code node} first (it is a fallback itself: the surest one), and not again later. */
  synchronized void takeFirst(NodeId node) {
    ahead.remove(node);
    ahead.addFirst(node);
    skip.add(node);
  }

  private void fill() {
    while (ahead.isEmpty() && walk.hasNext()) {
      NodeId next = walk.next();
      if (!skip.contains(next) && up.test(next)) {
        ahead.add(next);
      }
    }
  }
}
