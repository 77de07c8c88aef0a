package io.dynamokv;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one node knows of its cluster at one moment, for operators: the members, their status and
 * share of the ring, whether this node can reach them, and the work it has pending (hints to
 * deliver, partitions out of sync, a transfer in progress).
 *
 * @param self the node that answered
 * @param ringVersion the version of the committed ring (0 while a joining node has none)
 * @param pendingRingVersion the version of the ring partitions are moving to, if any
 * @param partitions Q, the number of partitions (0 while unknown)
 * @param members every member this node knows of, by id
 * @param hintBacklog hints this node holds for other nodes, not yet delivered
 * @param hintsByTarget the same hints by the node they are for, with their bytes (targets with
 *     none left out)
 * @param antiEntropyDebt the longest time since a partition this node replicates was last found
 *     in sync with its other replicas (0 before the first anti-entropy pass)
 * @param partitionsBehind the partitions not found in sync with a replica for longer than two
 *     anti-entropy intervals, longest first (at most {@link #MAX_PARTITIONS_BEHIND})
 * @param transfer the transfer of partitions to this node under way, if any
 * @param pendingWork what this node has pending, in a line (hints, a ring in transfer, a partition
 *     long out of sync), or empty if nothing
 */
public record ClusterStatus(NodeId self, long ringVersion, Optional<Long> pendingRingVersion, int partitions,
    List<Member> members, long hintBacklog, Map<NodeId, HintBacklog> hintsByTarget, Duration antiEntropyDebt,
    List<PartitionBehind> partitionsBehind, Optional<Transfer> transfer, Optional<String> pendingWork) {

  /** The most partitions {@link #partitionsBehind} lists. */
  public static final int MAX_PARTITIONS_BEHIND = 32;

  /** Copies the collections. */
  public ClusterStatus {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(pendingRingVersion, "pendingRingVersion");
    Objects.requireNonNull(antiEntropyDebt, "antiEntropyDebt");
    Objects.requireNonNull(transfer, "transfer");
    Objects.requireNonNull(pendingWork, "pendingWork");
    members = List.copyOf(members);
    hintsByTarget = Map.copyOf(hintsByTarget);
    partitionsBehind = List.copyOf(partitionsBehind);
  }

  /**
   * One member as this node sees it.
   *
   * @param status JOINING (partitions moving to it), UP, LEAVING (handing its partitions over) or
   *     LEFT (gone, by decommission or an operator's removal)
   * @param reachable whether this node believes it up (it answers, and its gossip heartbeats arrive)
   * @param phi the accrual failure detector's suspicion of it (0 for this node)
   * @param sinceHeartbeat how long ago its last newer gossip heartbeat arrived here (empty for this
   *     node, and for a member not heard from since this node started)
   * @param partitionsOwned partitions it owns in the committed ring
   * @param partitionsPending partitions it will own in the pending ring (equal to owned if none)
   */
  public record Member(NodeId id, Endpoint endpoint, String status, boolean reachable, double phi,
      Optional<Duration> sinceHeartbeat, int partitionsOwned, int partitionsPending) {

    /** Checks the heartbeat's age is present or empty, never null. */
    public Member {
      Objects.requireNonNull(sinceHeartbeat, "sinceHeartbeat");
    }
  }

  /**
   * The hints held for one node.
   *
   * @param hints how many keys have a hint waiting
   * @param bytes the bytes they take, encoded
   */
  public record HintBacklog(long hints, long bytes) {}

  /**
   * A partition of a store that anti-entropy has not found in sync with one of its replicas.
   *
   * @param peer the replica it was compared with
   * @param since how long ago the two were last found in sync (or first compared)
   */
  public record PartitionBehind(String store, int partition, NodeId peer, Duration since) {}

  /**
   * The partitions moving to this node for a pending ring.
   *
   * @param ringVersion the version of the ring they move for
   * @param partitionsTotal the store partitions this node gains
   * @param partitionsDone those received so far
   * @param bytesReceived bytes received by this transfer
   * @param remaining the time the rest should take at the rate so far (empty until one partition is
   *     received in this run)
   */
  public record Transfer(long ringVersion, int partitionsTotal, int partitionsDone, long bytesReceived,
      Optional<Duration> remaining) {}
}
