package io.dynamokv.internal.membership;

/** Where a node is in its life in the cluster, as gossip spreads it. */
public enum MemberStatus {
  /** Announced itself; partitions are moving to it. */
  JOINING,
  /** A full member. */
  UP,
  /** Handing its partitions to others before it goes. */
  LEAVING,
  /** Gone, by its own decommission or an operator's removal. */
  LEFT
}
