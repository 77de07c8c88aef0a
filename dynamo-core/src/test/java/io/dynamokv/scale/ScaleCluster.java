package io.dynamokv.scale;

import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.internal.membership.GossipMembership;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.testkit.CrashableStorage;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster of many full nodes (in-memory engines, N = 3) on the simulated network, with message
 * tracing off and a {@link WireMeter} on every transport. Founders are named {@code n0..}; nodes
 * added later join through {@code n0}.
 */
final class ScaleCluster implements AutoCloseable {

  static final Duration GOSSIP_INTERVAL = Duration.ofSeconds(1);
  static final int SAMPLED_NODES = 8;

  final Simulation sim;
  final int partitions;
  final WireMeter meter = new WireMeter();
  final Map<NodeId, DynamoNode> running = new LinkedHashMap<>();
  final Map<NodeId, StorageEngine> disks = new LinkedHashMap<>();
  private final List<NodeId> founders = new ArrayList<>();
  private final Duration antiEntropyInterval;

  ScaleCluster(long seed, int founders, int partitions, Duration antiEntropyInterval) {
    this.sim = new Simulation(seed);
    this.partitions = partitions;
    this.antiEntropyInterval = antiEntropyInterval;
    sim.network().setMessageTracing(false);
    for (int i = 0; i < founders; i++) {
      this.founders.add(NodeId.of("n" + i));
    }
    this.founders.forEach(id -> start(id, true));
  }

  static Endpoint endpointOf(NodeId id) {
    return Endpoint.of(id.value(), 7000);
  }

  /** Starts {@code id} on its disk (a new one the first time): a founder, or joining through n0. */
  DynamoNode start(NodeId id, boolean founder) {
    // Closing a node closes its engine; the wrapper keeps the data for a restart.
    StorageEngine disk = disks.computeIfAbsent(id,
        n -> new CrashableStorage(StorageEngine.inMemory(), sim.scheduler(), Duration.ZERO));
    boolean sampled = running.size() < SAMPLED_NODES && founder;
    DynamoNodeBuilder b = DynamoNode.newBuilder(id)
        .storage(disk)
        .transport(new MeteredTransport(sim.network().transport(endpointOf(id)), meter, sampled))
        .partitions(partitions)
        .replication(Replication.of(3, 2, 2))
        .requestTimeout(Duration.ofSeconds(2))
        .gossipInterval(GOSSIP_INTERVAL)
        .antiEntropyInterval(antiEntropyInterval)
        .clock(sim.clock())
        .scheduler(sim.scheduler())
        .random(sim.newRandom())
        .latencyRecording(false);
    if (founder) {
      founders.forEach(f -> b.member(f, endpointOf(f)));
    } else {
      b.seed(endpointOf(founders.get(0)));
    }
    DynamoNode node = b.build();
    node.start();
    running.put(id, node);
    return node;
  }

  /** Stops {@code id} abruptly; its disk stays. */
  void kill(NodeId id) {
    DynamoNode n = running.remove(id);
    if (n != null) {
      n.close();
    }
  }

  GossipMembership membershipOf(NodeId id) {
    return NodeAccess.runtime(running.get(id)).membership();
  }

  /** Returns whether every running node knows {@code node} with status {@code status}. */
  boolean allSee(NodeId node, MemberStatus status) {
    for (NodeId id : running.keySet()) {
      if (!membershipOf(id).state().member(node).map(m -> m.status() == status).orElse(false)) {
        return false;
      }
    }
    return true;
  }

  /** Returns whether every running node knows {@code node}, whatever its status. */
  boolean allKnow(NodeId node) {
    return running.keySet().stream().allMatch(id -> membershipOf(id).state().member(node).isPresent());
  }

  /** Returns whether every running node knows {@code node} with {@code status} or a later one. */
  boolean allSeeAtLeast(NodeId node, MemberStatus status) {
    return running.keySet().stream().allMatch(id -> membershipOf(id).state().member(node)
        .map(m -> m.status().compareTo(status) >= 0).orElse(false));
  }

  /** Returns whether every other running node's failure detector suspects {@code node}. */
  boolean allSuspect(NodeId node) {
    return running.keySet().stream().filter(id -> !id.equals(node)).allMatch(id -> membershipOf(id).isConvicted(node));
  }

  /** Returns whether no running node's failure detector suspects {@code node}. */
  boolean noneSuspect(NodeId node) {
    return running.keySet().stream().filter(id -> !id.equals(node)).noneMatch(id -> membershipOf(id).isConvicted(node));
  }

  /** Returns whether every running node holds the same committed ring and none pending. */
  boolean ringSettled() {
    Ring first = null;
    for (NodeId id : running.keySet()) {
      var s = membershipOf(id).state();
      if (s.pending().isPresent() || s.committed().isEmpty()) {
        return false;
      }
      if (first == null) {
        first = s.committed().get();
      } else if (!first.id().equals(s.committedId())) {
        return false;
      }
    }
    return true;
  }

  Ring ring() {
    return membershipOf(running.keySet().iterator().next()).ring();
  }

  /** Runs until {@code condition} holds, and returns the virtual time it took. */
  Duration timeUntil(java.util.function.BooleanSupplier condition, Duration limit) {
    long start = sim.clock().nanoTime();
    sim.runUntil(condition, limit);
    return Duration.ofNanos(sim.clock().nanoTime() - start);
  }

  @Override
  public void close() {
    running.values().forEach(DynamoNode::close);
    running.clear();
  }
}
