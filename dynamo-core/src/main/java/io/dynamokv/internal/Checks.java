package io.dynamokv.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The argument and state checks of this project's builders, with messages in one form:
 * {@code "name : value (expected: ...)"} for a bad argument, {@code "name was already set to
 * value"} for a setting given twice. Every builder keeps an unset setting as {@code null} and
 * applies its default in {@code build()}, so "set once" is one check.
 */
public final class Checks {

  private Checks() {}

  /**
   * Fails if a set-once setting was set before.
   *
   * @param current the setting's value so far, null while unset
   * @throws IllegalStateException if {@code current} is not null
   */
  public static void requireUnset(Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current);
    }
  }

  /** Returns {@code d} if it is longer than zero; else throws {@link IllegalArgumentException}. */
  public static Duration requirePositive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " : " + d + " (expected: > 0)");
    }
    return d;
  }

  /** Returns {@code value} if it lies in {@code [min, max]}; else throws {@link IllegalArgumentException}. */
  public static long requireInRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: "
          + (max == Long.MAX_VALUE ? ">= " + min : min + ".." + max) + ")");
    }
    return value;
  }

  /** Returns {@code value} if it lies in {@code [min, max]}; else throws {@link IllegalArgumentException}. */
  public static int requireInRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " : " + value + " (expected: "
          + (max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max) + ")");
    }
    return value;
  }
}
