package io.dynamokv.internal.membership;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.Ring;
import java.util.Optional;

/**
 * What the rest of a node needs of membership: the ring in force, the ring the cluster is moving
 * to (if any), and where each member listens. Implementations are thread-safe and return
 * immutable values, so a caller that reads the ring once works on one consistent version.
 */
public interface ClusterView {

  /**
   * Returns the committed ring: reads, writes, anti-entropy and hinted handoff use it.
   *
   * @throws io.dynamokv.NodeNotRunningException if this node has not learned a ring yet (a
   *     joining node before its seeds answered)
   */
  Ring ring();

  /** Returns the ring the cluster is moving to while partitions transfer; writes also reach its new owners. */
  Optional<Ring> pendingRing();

  /** Returns where {@code node} listens, if this node knows it. */
  Optional<Endpoint> endpointOf(NodeId node);

  /** Returns whether {@code node} is a member that has not left (or been removed). */
  boolean isMember(NodeId node);
}
