package io.dynamokv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one node knows of its cluster at one moment, for operators: the members, their status and
 * share of the ring, whether this node can reach them, and its backlog of hints.
 *
 * @param self the node that answered
 * @param ringVersion the version of the committed ring (0 while a joining node has none)
 * @param pendingRingVersion the version of the ring partitions are moving to, if any
 * @param partitions Q, the number of partitions (0 while unknown)
 * @param members every member this node knows of, by id
 * @param hintBacklog hints this node holds for other nodes, not yet delivered
 * @param antiEntropyDebt the longest time since a partition this node replicates was last found
 *     in sync with its other replicas (0 before the first anti-entropy pass)
 * @param pendingWork what this node has pending, in a line (hints, a ring in transfer, a partition
 *     long out of sync), or empty if nothing
 */
public record ClusterStatus(NodeId self, long ringVersion, Optional<Long> pendingRingVersion, int partitions,
    List<Member> members, long hintBacklog, java.time.Duration antiEntropyDebt, Optional<String> pendingWork) {

  /** Copies the members. */
  public ClusterStatus {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(pendingRingVersion, "pendingRingVersion");
    members = List.copyOf(members);
  }

  /**
   * One member as this node sees it.
   *
   * @param status JOINING (partitions moving to it), UP, LEAVING (handing its partitions over) or
   *     LEFT (gone, by decommission or an operator's removal)
   * @param reachable whether this node believes it up (it answers, and its gossip heartbeats arrive)
   * @param phi the accrual failure detector's suspicion of it (0 for this node)
   * @param partitionsOwned partitions it owns in the committed ring
   * @param partitionsPending partitions it will own in the pending ring (equal to owned if none)
   */
  public record Member(NodeId id, Endpoint endpoint, String status, boolean reachable, double phi,
      int partitionsOwned, int partitionsPending) {}
}
