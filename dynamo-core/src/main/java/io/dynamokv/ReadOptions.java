package io.dynamokv;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Per-read settings that override the store's: R and the deadline; or, for tools and tests, one
 * replica to read alone. Immutable.
 */
public final class ReadOptions {

  private static final ReadOptions DEFAULTS = new ReadOptions(OptionalInt.empty(), Optional.empty(), Optional.empty());

  private final OptionalInt r;
  private final Optional<Duration> timeout;
  private final Optional<NodeId> replica;

  private ReadOptions(OptionalInt r, Optional<Duration> timeout, Optional<NodeId> replica) {
    this.r = r;
    this.timeout = timeout;
    this.replica = replica;
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
    return new ReadOptions(OptionalInt.of(r), timeout, replica);
  }

  /** Returns these options with a deadline of {@code timeout}. */
  public ReadOptions withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout : " + timeout + " (expected: > 0)");
    }
    return new ReadOptions(r, Optional.of(timeout), replica);
  }

  /**
   * Returns these options reading only what {@code node} holds for the key, as it stores it:
   * no quorum (R is not used), no read repair, no fallback. A diagnostic, so that an operator or
   * a test can check the replicas of a key one by one without stopping nodes; a node that is not
   * a replica of the key holds nothing for it. The read fails with an
   * {@link InsufficientReplicasException} if that node does not answer by the deadline.
   */
  public ReadOptions fromReplica(NodeId node) {
    return new ReadOptions(r, timeout, Optional.of(Objects.requireNonNull(node, "node")));
  }

  /** Returns the one replica to read, if set. */
  public Optional<NodeId> replica() {
    return replica;
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
