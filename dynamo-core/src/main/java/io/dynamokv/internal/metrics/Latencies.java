package io.dynamokv.internal.metrics;

import io.dynamokv.InsufficientReplicasException;
import io.dynamokv.internal.Failures;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.RequestTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The latencies of a node's or a client's operations, by operation and store, and its failures by
 * operation and cause. A store's recorders are made on its first operation; after that a record
 * is a map lookup and an atomic add. Thread-safe.
 */
public final class Latencies {

  /** What was measured. */
  public enum Op {
    /** A read the application asked for, coordinated or routed here. */
    GET,
    /** A write the application asked for. */
    PUT,
    /** A delete the application asked for. */
    DELETE,
    /** An operation on a built-in type the application asked for. */
    UPDATE,
    /** A page of a set's elements that a read the application asked for read with a quorum. */
    SCAN,
    /** A read another node or a client sent here to coordinate. */
    COORDINATE_GET,
    /** A write or operation another node or a client sent here to coordinate. */
    COORDINATE_PUT,
    /** A replica read a coordinator, or a client reading replicas itself, sent here. */
    REPLICA_GET,
    /** A replica write (or hint) a coordinator sent here. */
    REPLICA_PUT;

    /** The name in metric keys: lower case, dots. */
    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '.');
    }
  }

  /** Why an operation failed, as counted. */
  enum Cause { TIMEOUT, INSUFFICIENT_REPLICAS, REFUSED, OTHER }

  private static final Op[] OPS = Op.values();

  private final Clock clock;
  private final Duration window;
  private final boolean on;
  private final ConcurrentHashMap<String, LatencyRecorder[]> byStore = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();

  /**
   * @param window how far back the percentiles reach
   * @param on whether to record at all (off: every method does nothing, for measuring the cost)
   */
  public Latencies(Clock clock, Duration window, boolean on) {
    this.clock = clock;
    this.window = window;
    this.on = on;
  }

  /** Returns the clock's time, for {@link #record}. */
  public long now() {
    return on ? clock.nanoTime() : 0;
  }

  /** Records an operation of {@code store} that started at {@code startNanos} and ended now, with {@code failure} if it failed. */
  public void record(Op op, String store, long startNanos, Throwable failure) {
    if (!on) {
      return;
    }
    long now = clock.nanoTime();
    recorders(store)[op.ordinal()].record(now - startNanos, now);
    if (failure != null) {
      failures.computeIfAbsent(op.key() + "." + causeOf(failure).name().toLowerCase(Locale.ROOT).replace('_', '.'),
          k -> new LongAdder()).increment();
    }
  }

  /**
   * Records {@code result}'s latency from {@code startNanos} and its failure, if any, when it
   * completes: at once if it has (no callback, nothing allocated), else by a callback.
   */
  public <T> CompletableFuture<T> measure(Op op, String store, long startNanos, CompletableFuture<T> result) {
    if (!on) {
      return result;
    }
    if (result.isDone()) {
      record(op, store, startNanos, result.isCompletedExceptionally() ? failureOf(result) : null);
    } else {
      result.whenComplete((v, t) -> record(op, store, startNanos, t));
    }
    return result;
  }

  private static Throwable failureOf(CompletableFuture<?> done) {
    try {
      done.join();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private LatencyRecorder[] recorders(String store) {
    LatencyRecorder[] r = byStore.get(store);
    if (r != null) {
      return r;
    }
    return byStore.computeIfAbsent(store, s -> {
      LatencyRecorder[] made = new LatencyRecorder[OPS.length];
      for (int i = 0; i < made.length; i++) {
        made[i] = new LatencyRecorder(clock, window);
      }
      return made;
    });
  }

  static Cause causeOf(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof RequestTimeoutException) {
      return Cause.TIMEOUT;
    }
    if (cause instanceof InsufficientReplicasException) {
      return Cause.INSUFFICIENT_REPLICAS;
    }
    if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException
        || cause instanceof SecurityException) {
      return Cause.REFUSED;
    }
    return Cause.OTHER;
  }

  /** Returns each recorded operation's summary, keyed {@code op/store} (e.g. {@code put/carts}), sorted. */
  public SortedMap<String, LatencyRecorder.LatencySummaryData> snapshot() {
    SortedMap<String, LatencyRecorder.LatencySummaryData> out = new TreeMap<>();
    byStore.forEach((store, recorders) -> {
      for (Op op : OPS) {
        LatencyRecorder.LatencySummaryData s = recorders[op.ordinal()].summary();
        if (s.total() > 0) {
          out.put(op.key() + "/" + store, s);
        }
      }
    });
    return out;
  }

  /** Returns the failures counted, keyed {@code failures.<op>.<cause>}, sorted. */
  public SortedMap<String, Long> failureCounts() {
    SortedMap<String, Long> out = new TreeMap<>();
    failures.forEach((k, v) -> out.put("failures." + k, v.sum()));
    return out;
  }
}
