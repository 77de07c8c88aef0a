package io.dynamokv;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Per-read settings that override the store's: R and the deadline. Immutable. */
public final class ReadOptions {

  private static final ReadOptions DEFAULTS = new ReadOptions(OptionalInt.empty(), Optional.empty());

  private final OptionalInt r;
  private final Optional<Duration> timeout;

  private ReadOptions(OptionalInt r, Optional<Duration> timeout) {
    this.r = r;
    this.timeout = timeout;
  }

  /** Returns the store's defaults. */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  /** Returns these options with {@code r} replicas required (checked against N when used). */
  public ReadOptions withR(int r) {
    if (r < 1) {
      throw new IllegalArgumentException("r : " + r + " (expected: >= 1)");
    }
    return new ReadOptions(OptionalInt.of(r), timeout);
  }

  /** Returns these options with a deadline of {@code timeout}. */
  public ReadOptions withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout : " + timeout + " (expected: > 0)");
    }
    return new ReadOptions(r, Optional.of(timeout));
  }

  /** Returns R, if set. */
  public OptionalInt r() {
    return r;
  }

  /** Returns the deadline, if set. */
  public Optional<Duration> timeout() {
    return timeout;
  }
}
