package io.dynamokv.internal.membership;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The failure detection that rides on gossip: every entry that advances a peer's version is a
 * heartbeat for the {@link PhiAccrualDetector}, and once a round the detector's verdicts are
 * taken, so that the many checks per read and write only look up a set.
 *
 * <p>Thread-safe: {@link #observed} runs under the membership's lock, {@link #evaluate} on the
 * gossip round, and {@link #isConvicted} anywhere.
 */
final class GossipHeartbeats {

  private final NodeId self;
  private final PhiAccrualDetector detector;
  private final Clock clock;
  private volatile Set<NodeId> convicted = Set.of();

  GossipHeartbeats(NodeId self, PhiAccrualDetector detector, Clock clock) {
    this.self = self;
    this.detector = detector;
    this.clock = clock;
  }

  /** Feeds the detector with the entries of {@code received} that supersede what {@code before} held. */
  void observed(ClusterState before, Collection<MemberState> received) {
    long now = clock.currentTimeMillis();
    for (MemberState e : received) {
      if (e.id().equals(self)) {
        continue;
      }
      MemberState old = before.member(e.id()).orElse(null);
      if (old == null || e.supersedes(old)) {
        if (old != null && old.generation() != e.generation()) {
          detector.forget(e.id()); // a restart: the old run's rhythm says nothing of the new one
        }
        detector.heartbeat(e.id(), now);
      }
    }
  }

  /** Takes the detector's verdict on each of {@code members} (this node excepted), for {@link #isConvicted}. */
  void evaluate(Collection<NodeId> members) {
    long now = clock.currentTimeMillis();
    Set<NodeId> next = new HashSet<>();
    for (NodeId id : members) {
      if (!id.equals(self) && detector.isConvicted(id, now)) {
        next.add(id);
      }
    }
    convicted = Set.copyOf(next);
  }

  /** Returns whether the detector suspected {@code node} beyond its threshold at the last evaluation. */
  boolean isConvicted(NodeId node) {
    return convicted.contains(node);
  }

  /** Returns the detector. */
  PhiAccrualDetector detector() {
    return detector;
  }
}
