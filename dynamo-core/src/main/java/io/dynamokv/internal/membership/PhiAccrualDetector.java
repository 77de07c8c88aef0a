package io.dynamokv.internal.membership;

import io.dynamokv.NodeId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The accrual failure detector of Hayashibara et al., as Cassandra uses it: for each peer it
 * keeps the intervals between the heartbeats gossip brings, and gives a suspicion level phi
 * that grows with the time since the last one. Phi 1 means a 10% chance that the peer is still
 * alive given the intervals seen, phi 8 a 0.000001% chance. Heartbeats arrive through gossip at
 * irregular intervals, so intervals are modelled as exponential (phi = elapsed / mean / ln 10),
 * which errs on the side of patience.
 *
 * <p>Until a peer has a few intervals, the mean is the gossip interval times two. A peer never
 * heard from is watched from the first time it is asked about, as if a heartbeat had arrived
 * then: its suspicion grows from there, so a member that never answers (a founder that never
 * started) is convicted within a bounded time instead of passing for alive forever.
 * Thread-safe.
 */
public final class PhiAccrualDetector {

  private static final int WINDOW = 100;
  private static final double LN_10 = Math.log(10);

  private final double threshold;
  private final long initialIntervalMillis;
  private final Map<NodeId, Arrivals> arrivals = new ConcurrentHashMap<>();

  /**
   * Creates a detector.
   *
   * @param threshold the phi above which a peer is convicted (Cassandra's default is 8)
   * @param gossipIntervalMillis how often nodes gossip, the prior for a peer with no history
   */
  public PhiAccrualDetector(double threshold, long gossipIntervalMillis) {
    if (!(threshold > 0)) {
      throw new IllegalArgumentException("threshold : " + threshold + " (expected: > 0)");
    }
    this.threshold = threshold;
    this.initialIntervalMillis = Math.max(1, gossipIntervalMillis * 2);
  }

  /** Records that a newer heartbeat of {@code node} arrived at {@code nowMillis}. */
  public void heartbeat(NodeId node, long nowMillis) {
    arrivals.computeIfAbsent(node, n -> new Arrivals()).add(nowMillis);
  }

  /** Forgets {@code node} (it left, or restarted: its history no longer applies). */
  public void forget(NodeId node) {
    arrivals.remove(node);
  }

  /**
   * Returns the suspicion level of {@code node} now. A node never heard from is watched from
   * this first call on (0 now, growing as for a node whose last heartbeat came now).
   */
  public double phi(NodeId node, long nowMillis) {
    return arrivals.computeIfAbsent(node, n -> Arrivals.watchedFrom(nowMillis)).phi(nowMillis, initialIntervalMillis);
  }

  /** Returns when the last newer heartbeat of {@code node} arrived, if one has since this detector began. */
  public java.util.OptionalLong lastHeard(NodeId node) {
    Arrivals a = arrivals.get(node);
    return a == null ? java.util.OptionalLong.empty() : a.lastHeard();
  }

  /** Returns whether {@code node} is suspected beyond the threshold. */
  public boolean isConvicted(NodeId node, long nowMillis) {
    return phi(node, nowMillis) > threshold;
  }

  /**
   * A peer's last arrival and a window of recent intervals, in a ring of primitive longs (a node
   * holds one per peer: a thousand peers' boxed windows took several megabytes).
   */
  private static final class Arrivals {
    private final long[] intervals = new long[WINDOW];
    private int count;
    private int next;
    private long sum;
    private long last = -1;
    private boolean heard;

    /** A peer not heard from yet, watched from {@code now}: no interval is counted until it is. */
    static Arrivals watchedFrom(long now) {
      Arrivals a = new Arrivals();
      a.last = now;
      return a;
    }

    synchronized void add(long now) {
      // The time between watching a peer and first hearing it is not one of its intervals.
      if (heard && last >= 0 && now > last) {
        long interval = now - last;
        if (count == WINDOW) {
          sum -= intervals[next]; // the oldest
        } else {
          count++;
        }
        intervals[next] = interval;
        next = (next + 1) % WINDOW;
        sum += interval;
      }
      last = heard ? Math.max(last, now) : now;
      heard = true;
    }

    synchronized java.util.OptionalLong lastHeard() {
      return heard ? java.util.OptionalLong.of(last) : java.util.OptionalLong.empty();
    }

    synchronized double phi(long now, long prior) {
      if (last < 0) {
        return 0;
      }
      // Blend the prior in while the window is short, so two quick heartbeats cannot make the
      // detector convict after a few milliseconds of silence.
      int n = count;
      double mean = (sum + prior * Math.max(0, 4 - n)) / (double) (n + Math.max(0, 4 - n));
      return Math.max(0, now - last) / mean / LN_10;
    }
  }
}
