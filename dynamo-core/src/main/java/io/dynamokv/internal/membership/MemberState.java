package io.dynamokv.internal.membership;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.wire.MemberDigest;
import java.util.Objects;

/**
 * What gossip says of one node. Only the node itself changes its entry (an operator's removal
 * excepted), each change raising {@code version}; a restart raises {@code generation}. The
 * version rises every gossip round too, which makes it the heartbeat the failure detector
 * listens to.
 *
 * @param endpoint where the node listens
 * @param generation when the node's current run began; a later run replaces all of an earlier one
 * @param version the count of changes within this generation
 * @param weight the node's share of the partitions relative to others
 * @param status where the node is in its life in the cluster
 * @param seen the latest ring (committed or pending) the node has adopted
 * @param ready the pending ring whose partitions the node has finished receiving
 */
public record MemberState(NodeId id, Endpoint endpoint, long generation, long version, int weight,
    MemberStatus status, RingId seen, RingId ready) {

  /** Validates the parts. */
  public MemberState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(seen, "seen");
    Objects.requireNonNull(ready, "ready");
    if (weight < 1) {
      throw new IllegalArgumentException("weight : " + weight + " (expected: >= 1)");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version : " + version + " (expected: >= 0)");
    }
  }

  /** Returns the short form gossip sends first. */
  public MemberDigest digest() {
    return new MemberDigest(id, generation, status == MemberStatus.LEFT, version);
  }

  /** Returns this entry with the next version and the given status. */
  public MemberState withStatus(MemberStatus next) {
    return new MemberState(id, endpoint, generation, version + 1, weight, next, seen, ready);
  }

  /** Returns this entry with the next version (a heartbeat). */
  public MemberState beat() {
    return new MemberState(id, endpoint, generation, version + 1, weight, status, seen, ready);
  }

  /** Returns this entry with the next version and what the node has seen and is ready for. */
  public MemberState withRings(RingId seenRing, RingId readyRing) {
    return new MemberState(id, endpoint, generation, version + 1, weight, status, seenRing, readyRing);
  }

  /**
   * Returns whether this entry replaces {@code other}, an entry of the same node: a later
   * generation, or within one generation LEFT (which an operator may set and nothing undoes),
   * then the higher version.
   */
  public boolean supersedes(MemberState other) {
    return digest().compareTo(other.digest()) > 0;
  }
}
