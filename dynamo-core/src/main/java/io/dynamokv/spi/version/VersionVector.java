package io.dynamokv.spi.version;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable map from actor to the highest counter seen from it: a summary of a causal
 * history in which every actor's events are contiguous from 1.
 *
 * <p>Counters of zero are never stored, so two vectors that cover the same events are equal.
 * Operations return new vectors; nothing hands out a mutable view.
 *
 * <p>Held as two arrays sorted by actor: a vector names a handful of actors (the nodes that
 * coordinated writes of one key), and every put decodes, merges, compares and encodes several.
 * Arrays walked in step avoid a sorted map's entries, boxes and lookups, which would otherwise be
 * a large share of what each put allocates.
 */
public final class VersionVector {

  private static final ActorId[] NO_ACTORS = new ActorId[0];
  private static final long[] NO_COUNTERS = new long[0];

  /**
   * The most events of one actor a write's context may claim beyond what the replica holds:
   * 2^48 (a million writes a second to one key would take nine years to reach it). A context
   * claiming more is refused before anything is written, so the counters stored with a key stay
   * far from overflow and can always be incremented.
   */
  public static final long MAX_CONTEXT_COUNTER = 1L << 48;

  /** The vector that has seen nothing. */
  public static final VersionVector EMPTY = new VersionVector(NO_ACTORS, NO_COUNTERS);

  private final ActorId[] actors; // sorted, distinct
  private final long[] counters; // each > 0

  private VersionVector(ActorId[] actors, long[] counters) {
    this.actors = actors;
    this.counters = counters;
  }

  /**
   * Returns a vector with the given counters; entries of zero are dropped.
   *
   * @throws IllegalArgumentException if a counter is negative
   */
  public static VersionVector of(Map<ActorId, Long> counters) {
    Objects.requireNonNull(counters, "counters");
    TreeMap<ActorId, Long> sorted = new TreeMap<>();
    counters.forEach((actor, counter) -> {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(counter, "counter");
      if (counter < 0) {
        throw new IllegalArgumentException("counter of " + actor + " : " + counter + " (expected: >= 0)");
      }
      if (counter > 0) {
        sorted.put(actor, counter);
      }
    });
    if (sorted.isEmpty()) {
      return EMPTY;
    }
    ActorId[] a = new ActorId[sorted.size()];
    long[] c = new long[sorted.size()];
    int i = 0;
    for (Map.Entry<ActorId, Long> e : sorted.entrySet()) {
      a[i] = e.getKey();
      c[i++] = e.getValue();
    }
    return new VersionVector(a, c);
  }

  /**
   * Wraps the arrays without copying: for the codec, which built them itself, sorted, with every
   * counter positive.
   */
  static VersionVector trusted(ActorId[] actors, long[] counters) {
    return actors.length == 0 ? EMPTY : new VersionVector(actors, counters);
  }

  private int indexOf(ActorId actor) {
    // Few actors: a linear scan beats a binary search, and usually hits on identity.
    for (int i = 0; i < actors.length; i++) {
      if (actors[i] == actor || actors[i].equals(actor)) {
        return i;
      }
    }
    return -1;
  }

  /** Returns the highest counter seen from {@code actor}, or 0. */
  public long counter(ActorId actor) {
    int i = indexOf(actor);
    return i < 0 ? 0 : counters[i];
  }

  /** Returns whether the history this vector summarizes contains {@code dot}. */
  public boolean covers(Dot dot) {
    return counter(dot.actor()) >= dot.counter();
  }

  /** Returns the vector that has seen everything this one and {@code dot} have. */
  public VersionVector with(Dot dot) {
    if (covers(dot)) {
      return this;
    }
    int i = indexOf(dot.actor());
    if (i >= 0) {
      long[] c = counters.clone();
      c[i] = dot.counter();
      return new VersionVector(actors, c);
    }
    int at = 0;
    while (at < actors.length && actors[at].compareTo(dot.actor()) < 0) {
      at++;
    }
    ActorId[] a = new ActorId[actors.length + 1];
    long[] c = new long[actors.length + 1];
    System.arraycopy(actors, 0, a, 0, at);
    System.arraycopy(counters, 0, c, 0, at);
    a[at] = dot.actor();
    c[at] = dot.counter();
    System.arraycopy(actors, at, a, at + 1, actors.length - at);
    System.arraycopy(counters, at, c, at + 1, actors.length - at);
    return new VersionVector(a, c);
  }

  /** Returns the least vector that has seen everything both have (the pointwise maximum). */
  public VersionVector merge(VersionVector other) {
    if (other.actors.length == 0 || other == this) {
      return this;
    }
    if (actors.length == 0) {
      return other;
    }
    ActorId[] a = new ActorId[actors.length + other.actors.length];
    long[] c = new long[a.length];
    int i = 0;
    int j = 0;
    int n = 0;
    boolean thisCovers = true; // every counter of other is matched or exceeded here
    boolean otherCovers = true;
    while (i < actors.length || j < other.actors.length) {
      int order = i == actors.length ? 1 : j == other.actors.length ? -1 : compare(actors[i], other.actors[j]);
      if (order == 0) {
        a[n] = actors[i];
        c[n++] = Math.max(counters[i], other.counters[j]);
        thisCovers &= counters[i] >= other.counters[j];
        otherCovers &= other.counters[j] >= counters[i];
        i++;
        j++;
      } else if (order < 0) {
        a[n] = actors[i];
        c[n++] = counters[i++];
        otherCovers = false;
      } else {
        a[n] = other.actors[j];
        c[n++] = other.counters[j++];
        thisCovers = false;
      }
    }
    if (thisCovers) {
      return this;
    }
    if (otherCovers) {
      return other;
    }
    return new VersionVector(Arrays.copyOf(a, n), Arrays.copyOf(c, n));
  }

  private static int compare(ActorId a, ActorId b) {
    return a == b ? 0 : a.compareTo(b);
  }

  /** Returns how this history relates to {@code other}'s. */
  public Causality compare(VersionVector other) {
    boolean thisAhead = false;
    boolean otherAhead = false;
    int i = 0;
    int j = 0;
    while (i < actors.length || j < other.actors.length) {
      int order = i == actors.length ? 1 : j == other.actors.length ? -1 : compare(actors[i], other.actors[j]);
      if (order == 0) {
        thisAhead |= counters[i] > other.counters[j];
        otherAhead |= counters[i] < other.counters[j];
        i++;
        j++;
      } else if (order < 0) {
        thisAhead = true; // an actor only this one has seen
        i++;
      } else {
        otherAhead = true;
        j++;
      }
    }
    if (thisAhead && otherAhead) {
      return Causality.CONCURRENT;
    }
    return thisAhead ? Causality.AFTER : otherAhead ? Causality.BEFORE : Causality.EQUAL;
  }

  /** Returns whether this vector has seen everything {@code other} has. */
  public boolean descends(VersionVector other) {
    Causality c = compare(other);
    return c == Causality.AFTER || c == Causality.EQUAL;
  }

  /** Returns the counters, sorted by actor, as an unmodifiable map (a copy). */
  public SortedMap<ActorId, Long> counters() {
    TreeMap<ActorId, Long> map = new TreeMap<>();
    for (int i = 0; i < actors.length; i++) {
      map.put(actors[i], counters[i]);
    }
    return Collections.unmodifiableSortedMap(map);
  }

  /** The actor at {@code index} in actor order: for the codec. */
  ActorId actorAt(int index) {
    return actors[index];
  }

  /** The counter at {@code index} in actor order: for the codec. */
  long counterAt(int index) {
    return counters[index];
  }

  /** Returns the number of actors with a non-zero counter. */
  public int size() {
    return actors.length;
  }

  /** Returns whether no event has been seen. */
  public boolean isEmpty() {
    return actors.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    return o instanceof VersionVector v && Arrays.equals(counters, v.counters) && Arrays.equals(actors, v.actors);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(actors) + Arrays.hashCode(counters);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < actors.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(actors[i]).append('=').append(counters[i]);
    }
    return sb.append('}').toString();
  }
}
