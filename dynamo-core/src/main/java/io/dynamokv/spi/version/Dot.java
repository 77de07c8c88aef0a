package io.dynamokv.spi.version;

import java.util.Objects;

/**
 * One event in the causal history of a key: the {@code counter}-th version that {@code actor}
 * created for that key. Every sibling carries the dot of the write that created it, and no two
 * different writes ever share a dot.
 */
public record Dot(ActorId actor, long counter) implements Comparable<Dot> {

  /** Validates the parts. */
  public Dot {
    Objects.requireNonNull(actor, "actor");
    if (counter < 1) {
      throw new IllegalArgumentException("counter : " + counter + " (expected: >= 1)");
    }
  }

  @Override
  public int compareTo(Dot other) {
    // Written out: version sets compare dots in every merge, and comparator chains showed in profiles.
    int c = actor.compareTo(other.actor);
    return c != 0 ? c : Long.compare(counter, other.counter);
  }

  @Override
  public String toString() {
    return actor + ":" + counter;
  }
}
