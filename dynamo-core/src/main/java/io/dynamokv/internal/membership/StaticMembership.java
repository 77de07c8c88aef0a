package io.dynamokv.internal.membership;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.Member;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.ring.RingPlanner;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A cluster whose members are listed up front, the same list on every node: each node computes
 * the same ring from it with {@link RingPlanner}, so they agree without talking. A running node
 * uses {@link GossipMembership}, which starts from this ring when it founds a cluster; this
 * fixed view is for tests and tools that need the founding ring without running a node.
 *
 * <p>Immutable and thread-safe.
 */
public final class StaticMembership implements ClusterView {

  private final SortedMap<NodeId, Endpoint> endpoints;
  private final Ring ring;

  /**
   * Creates the view of a cluster of {@code members} with Q = {@code partitions}.
   *
   * @param spacing how far apart the planner keeps a node's partitions (use N)
   */
  public StaticMembership(Map<NodeId, Endpoint> members, int partitions, int spacing) {
    Objects.requireNonNull(members, "members");
    if (members.isEmpty()) {
      throw new IllegalArgumentException("members : {} (expected: at least one)");
    }
    this.endpoints = new TreeMap<>(members);
    this.ring = RingPlanner.withSpacing(spacing).initial(partitions,
        endpoints.keySet().stream().map(Member::of).toList());
  }

  @Override
  public Ring ring() {
    return ring;
  }

  /** Returns every member and where it listens. */
  public SortedMap<NodeId, Endpoint> members() {
    return java.util.Collections.unmodifiableSortedMap(endpoints);
  }

  @Override
  public boolean isMember(NodeId node) {
    return endpoints.containsKey(node);
  }

  @Override
  public Optional<Ring> pendingRing() {
    return Optional.empty();
  }

  @Override
  public Optional<Endpoint> endpointOf(NodeId node) {
    return Optional.ofNullable(endpoints.get(node));
  }

  /** Returns the number of members. */
  public int size() {
    return endpoints.size();
  }
}
