package io.dynamokv.spi.version;

/** How two causal histories relate. */
public enum Causality {
  /** The first happened before the second: the second has seen everything the first has. */
  BEFORE,
  /** The first happened after the second. */
  AFTER,
  /** Both have seen exactly the same events. */
  EQUAL,
  /** Each has seen something the other has not: neither may replace the other. */
  CONCURRENT;

  /** Returns the relation seen from the other side. */
  public Causality inverse() {
    return switch (this) {
      case BEFORE -> AFTER;
      case AFTER -> BEFORE;
      default -> this;
    };
  }
}
