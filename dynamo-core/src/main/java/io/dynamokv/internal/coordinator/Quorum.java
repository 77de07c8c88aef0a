package io.dynamokv.internal.coordinator;

import io.dynamokv.InsufficientReplicasException;
import io.dynamokv.NodeId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Counts the replies of one quorum operation: completes its future once {@code required}
 * replicas succeeded, or fails it with an {@link InsufficientReplicasException} once that can no
 * longer happen (every request answered) or the deadline passes. Replies after completion are
 * still counted, for the work that follows (read repair, background replication).
 *
 * <p>Thread-safe: replies arrive on I/O threads.
 */
final class Quorum<T> {

  private final Supplier<String> operation;
  private io.dynamokv.spi.Cancellable deadline = () -> false;
  private final int required;
  private final CompletableFuture<T> result;
  private final NodeMetrics metrics;
  private final Map<NodeId, String> failures = new LinkedHashMap<>();
  private final Set<NodeId> pending = new LinkedHashSet<>();
  private int succeeded;
  private boolean decided;
  private Runnable whenSettled = () -> { };

  /** {@code operation} names the operation in a failure's message; built only then. */
  Quorum(Supplier<String> operation, int required, CompletableFuture<T> result, NodeMetrics metrics) {
    this.operation = operation;
    this.required = required;
    this.result = result;
    this.metrics = metrics;
  }

  /** Runs {@code action} once every request has been answered or the deadline passed. */
  synchronized void whenSettled(Runnable action) {
    this.whenSettled = action;
  }

  /** Cancels {@code timer} (one that would expire this quorum, or widen it) once it has settled. */
  synchronized void cancelOnSettle(io.dynamokv.spi.Cancellable timer) {
    io.dynamokv.spi.Cancellable before = deadline;
    this.deadline = () -> before.cancel() | timer.cancel();
  }

  /** Whether the quorum has succeeded or failed. */
  synchronized boolean isDecided() {
    return decided;
  }

  synchronized void sent(NodeId node) {
    pending.add(node);
  }

  /** A replica succeeded; {@code value} supplies the result if this completes the quorum. */
  void succeeded(NodeId node, Supplier<T> value) {
    boolean complete;
    synchronized (this) {
      pending.remove(node);
      succeeded++;
      complete = !decided && succeeded >= required;
      if (complete) {
        decided = true;
      }
    }
    if (complete) {
      result.complete(value.get());
    }
    settleIfDone();
  }

  void failed(NodeId node, String why) {
    synchronized (this) {
      pending.remove(node);
      failures.put(node, why);
    }
    settleIfDone();
  }

  /** The deadline passed: whoever has not answered has failed. */
  void expire(long timeoutMillis) {
    synchronized (this) {
      for (NodeId n : pending) {
        failures.put(n, "no reply within " + timeoutMillis + " ms");
      }
      pending.clear();
    }
    settleIfDone();
  }

  /** Once nothing is pending: fails the quorum if it was not met, then runs the settled action once. */
  private void settleIfDone() {
    InsufficientReplicasException failure = null;
    Runnable settled;
    synchronized (this) {
      if (!pending.isEmpty()) {
        return;
      }
      if (!decided && succeeded < required) {
        decided = true;
        failure = new InsufficientReplicasException(operation.get(), required, succeeded, failures);
      }
      settled = whenSettled;
      whenSettled = () -> { };
      deadline.cancel(); // the timer need not fire, and its queue stays short
      deadline = () -> false;
    }
    if (failure != null) {
      metrics.quorumFailures.increment();
      result.completeExceptionally(failure);
    }
    settled.run();
  }
}
