package io.dynamokv.internal;

/**
 * Write ids: one per client write, carried by every attempt of it, so that a write two
 * coordinators both applied reads back as one sibling. Unique to a writer's run: a seed drawn at
 * random for the run (a node's incarnation, a client's random number) and a count of its writes,
 * mixed (SplitMix64's finalizer), never 0 (which means "none").
 */
public final class WriteIds {

  private WriteIds() {}

  /** Returns the id of write number {@code count} of the run seeded {@code seed}. */
  public static long of(long seed, long count) {
    long z = seed + count * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return z == 0 ? 1 : z;
  }
}
