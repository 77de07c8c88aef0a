package io.dynamokv;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Per-write settings that override the store's: W and the deadline. Immutable. */
public final class WriteOptions {

  private static final WriteOptions DEFAULTS = new WriteOptions(OptionalInt.empty(), Optional.empty());

  private final OptionalInt w;
  private final Optional<Duration> timeout;

  private WriteOptions(OptionalInt w, Optional<Duration> timeout) {
    this.w = w;
    this.timeout = timeout;
  }

  /** Returns the store's defaults. */
  public static WriteOptions defaults() {
    return DEFAULTS;
  }

  /** Returns these options with {@code w} acknowledgements required (checked against N when used). */
  public WriteOptions withW(int w) {
    if (w < 1) {
      throw new IllegalArgumentException("w : " + w + " (expected: >= 1)");
    }
    return new WriteOptions(OptionalInt.of(w), timeout);
  }

  /** Returns these options with a deadline of {@code timeout}. */
  public WriteOptions withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout : " + timeout + " (expected: > 0)");
    }
    return new WriteOptions(w, Optional.of(timeout));
  }

  /** Returns W, if set. */
  public OptionalInt w() {
    return w;
  }

  /** Returns the deadline, if set. */
  public Optional<Duration> timeout() {
    return timeout;
  }
}
