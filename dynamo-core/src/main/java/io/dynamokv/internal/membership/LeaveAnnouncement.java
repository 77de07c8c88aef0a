package io.dynamokv.internal.membership;

import io.dynamokv.NodeId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * When a node that has become LEFT may stop: a leaving node keeps gossiping until every member
 * it believes up has shown that it knows (in a digest it sent, or by not asking for the node's
 * entry), or its exit would reach no one; after {@link #MAX_ROUNDS} rounds it stops all the same.
 *
 * <p>Thread-safe for {@link #knownBy}; {@link #started} and {@link #done} are called under the
 * membership's lock.
 */
final class LeaveAnnouncement {

  /** The most gossip rounds a LEFT node waits for the others to know. */
  static final int MAX_ROUNDS = 10;

  private final Set<NodeId> informed = ConcurrentHashMap.newKeySet();
  private int rounds = -1;

  /** The node has become LEFT: from now on, rounds count. */
  void started() {
    rounds = 0;
  }

  /** {@code peer} has shown that it knows this node LEFT. */
  void knownBy(NodeId peer) {
    informed.add(peer);
  }

  /**
   * Called once a gossip round: returns whether the node has left and the others know it (or the
   * rounds ran out).
   */
  boolean done(ClusterState state, NodeId self, Predicate<NodeId> reachable) {
    if (rounds < 0) {
      return false;
    }
    return everyReachablePeerKnows(state, self, reachable) || ++rounds > MAX_ROUNDS;
  }

  private boolean everyReachablePeerKnows(ClusterState state, NodeId self, Predicate<NodeId> reachable) {
    for (MemberState m : state.members().values()) {
      if (!m.id().equals(self) && m.status() != MemberStatus.LEFT && reachable.test(m.id())
          && !informed.contains(m.id())) {
        return false;
      }
    }
    return true;
  }
}
