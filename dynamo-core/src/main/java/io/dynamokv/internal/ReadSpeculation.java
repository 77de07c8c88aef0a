package io.dynamokv.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a read stops waiting for a slow replica: a read asks R replicas, and if they have not all
 * answered after a few times the usual round trip of a replica read, a coordinator asks the next
 * one too, and a client reads through a coordinator, so that one slow replica (a collector pause,
 * an fsync stall) does not hold the read until its attempt times out. The usual round trip is a
 * moving average of the replica reads of this node (or client), so under load, when every read
 * is slower, the delay grows with it and reads are not doubled.
 *
 * <p>Thread-safe.
 */
public final class ReadSpeculation {

  /** How many usual round trips a read waits before it asks one more replica. */
  public static final int ROUND_TRIPS = 4;
  /** The shortest delay: below it a replica is not slow, just busy. */
  public static final long MIN_DELAY_NANOS = Duration.ofMillis(2).toNanos();
  private static final long FIRST_GUESS_NANOS = Duration.ofMillis(1).toNanos();

  private final AtomicLong usualNanos = new AtomicLong(FIRST_GUESS_NANOS);

  /** A replica answered a read after {@code nanos}. */
  public void observed(long nanos) {
    // An average over about the last 16 reads; a lost update of a racing reply is harmless.
    long usual = usualNanos.get();
    usualNanos.set(usual + (Math.max(0, nanos) - usual) / 16);
  }

  /** How long a read waits for its replicas before it asks one more, at most {@code limit}. */
  public Duration delay(Duration limit) {
    long nanos = Math.max(MIN_DELAY_NANOS, ROUND_TRIPS * usualNanos.get());
    return nanos >= limit.toNanos() ? limit : Duration.ofNanos(nanos);
  }
}
