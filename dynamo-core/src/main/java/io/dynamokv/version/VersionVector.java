package io.dynamokv.version;

import java.util.Collections;
import java.util.Iterator;
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
 */
public final class VersionVector {

  /** The vector that has seen nothing. */
  public static final VersionVector EMPTY = new VersionVector(new TreeMap<>());

  private final SortedMap<ActorId, Long> counters;

  private VersionVector(TreeMap<ActorId, Long> counters) {
    this.counters = Collections.unmodifiableSortedMap(counters);
  }

  /**
   * Returns a vector with the given counters; entries of zero are dropped.
   *
   * @throws IllegalArgumentException if a counter is negative
   */
  public static VersionVector of(Map<ActorId, Long> counters) {
    Objects.requireNonNull(counters, "counters");
    TreeMap<ActorId, Long> copy = new TreeMap<>();
    counters.forEach((actor, counter) -> {
      Objects.requireNonNull(actor, "actor");
      if (counter < 0) {
        throw new IllegalArgumentException("counter of " + actor + " : " + counter + " (expected: >= 0)");
      }
      if (counter > 0) {
        copy.put(actor, counter);
      }
    });
    return copy.isEmpty() ? EMPTY : new VersionVector(copy);
  }

  /**
   * Wraps {@code counters} without copying: for the codec, which built the map itself and
   * checked that every counter is positive.
   */
  static VersionVector trusted(TreeMap<ActorId, Long> counters) {
    return counters.isEmpty() ? EMPTY : new VersionVector(counters);
  }

  /** Returns the highest counter seen from {@code actor}, or 0. */
  public long counter(ActorId actor) {
    return counters.getOrDefault(actor, 0L);
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
    TreeMap<ActorId, Long> copy = new TreeMap<>(counters);
    copy.put(dot.actor(), dot.counter());
    return new VersionVector(copy);
  }

  /** Returns the least vector that has seen everything both have (the pointwise maximum). */
  public VersionVector merge(VersionVector other) {
    if (other.counters.isEmpty() || other == this) {
      return this;
    }
    if (counters.isEmpty()) {
      return other;
    }
    TreeMap<ActorId, Long> copy = new TreeMap<>(counters);
    other.counters.forEach((actor, counter) -> copy.merge(actor, counter, Math::max));
    return new VersionVector(copy);
  }

  /** Returns how this history relates to {@code other}'s. */
  public Causality compare(VersionVector other) {
    boolean thisAhead = false;
    boolean otherAhead = false;
    for (Map.Entry<ActorId, Long> e : counters.entrySet()) {
      long theirs = other.counter(e.getKey());
      if (e.getValue() > theirs) {
        thisAhead = true;
      } else if (e.getValue() < theirs) {
        otherAhead = true;
      }
    }
    if (!otherAhead) {
      for (ActorId actor : other.counters.keySet()) {
        if (!counters.containsKey(actor)) {
          otherAhead = true;
          break;
        }
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

  /** Returns the counters, sorted by actor, as an unmodifiable map. */
  public SortedMap<ActorId, Long> counters() {
    return counters;
  }

  /** Returns the number of actors with a non-zero counter. */
  public int size() {
    return counters.size();
  }

  /** Returns whether no event has been seen. */
  public boolean isEmpty() {
    return counters.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionVector v && counters.equals(v.counters);
  }

  @Override
  public int hashCode() {
    return counters.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    Iterator<Map.Entry<ActorId, Long>> it = counters.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<ActorId, Long> e = it.next();
      sb.append(e.getKey()).append('=').append(e.getValue());
      if (it.hasNext()) {
        sb.append(", ");
      }
    }
    return sb.append('}').toString();
  }
}
