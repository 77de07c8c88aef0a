package io.dynamokv.internal.coordinator;

import io.dynamokv.NodeId;
import io.dynamokv.internal.antientropy.AntiEntropy;
import io.dynamokv.internal.membership.GossipMembership;
import io.dynamokv.internal.membership.PartitionTransfer;
import io.dynamokv.internal.wire.MemberStatus;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.version.ActorId;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The running parts of one node, wired together: membership and partition transfer, the
 * coordinator, the replica service the transport serves, the failure detector, hinted handoff
 * and anti-entropy. Internal: {@code DynamoNode} builds it; applications use {@code DynamoNode}
 * and {@code Store}.
 */
public final class NodeRuntime {

  /** What the runtime needs; {@code DynamoNode.Builder} validated it. */
  public record Settings(NodeId self, ActorId actor, GossipMembership membership, StorageEngine storage,
      Transport transport, Scheduler scheduler, Clock clock, Duration requestTimeout, Duration probeInterval,
      Duration hintInterval, int hintBatchSize, boolean hintedHandoff, Duration antiEntropyInterval,
      Function<String, Integer> replicasOf, long transferBytesPerSecond, Duration gossipInterval) {}

  private final NodeMetrics metrics = new NodeMetrics();
  private final GossipMembership membership;
  private final PeerHealth health;
  private final Coordinator coordinator;
  private final HintedHandoff handoff;
  private final AntiEntropy antiEntropy;
  private final PartitionTransfer transfer;
  private final StorageEngine storage;

  private NodeRuntime(Settings s) {
    membership = s.membership();
    storage = s.storage();
    health = new PeerHealth(s.self(), membership, s.transport(), s.scheduler(), s.clock(), s.probeInterval(), metrics,
        membership::isConvicted);
    coordinator = new Coordinator(s.self(), s.actor(), membership, s.storage(), s.transport(), health,
        s.scheduler(), s.clock(), metrics, s.hintedHandoff());
    handoff = new HintedHandoff(s.self(), membership, s.storage(), s.transport(), health, s.scheduler(), metrics,
        s.hintInterval(), s.hintBatchSize(), s.requestTimeout(), s.replicasOf());
    s.transport().start(new ReplicaService(s.self(), () -> membership.ring().keySpace(), s.storage(), coordinator,
        metrics, membership::handle));
    antiEntropy = new AntiEntropy(s.self(), membership, s.storage(), s.transport(), s.scheduler(), s.clock(),
        health::isUp, s.replicasOf(), s.antiEntropyInterval(), s.requestTimeout(), 1000);
    transfer = new PartitionTransfer(s.self(), membership, antiEntropy, s.storage(), s.transport(), s.scheduler(),
        s.clock(), health::isUp, s.replicasOf(), s.transferBytesPerSecond(), s.requestTimeout(), s.gossipInterval());
    membership.start(health::isUp);
    health.start();
    handoff.start();
    antiEntropy.start();
    transfer.start();
  }

  /** Starts serving: the transport gets the replica service, the background tasks begin. */
  public static NodeRuntime start(Settings settings) {
    return new NodeRuntime(settings);
  }

  /** Returns the anti-entropy service. */
  public AntiEntropy antiEntropy() {
    return antiEntropy;
  }

  /** Returns the membership service. */
  public GossipMembership membership() {
    return membership;
  }

  /** Returns the coordinator. */
  public Coordinator coordinator() {
    return coordinator;
  }

  /** Returns every counter: the node's, membership's, transfers' and the storage engine's. */
  public java.util.Map<String, Long> metrics() {
    java.util.Map<String, Long> all = new java.util.TreeMap<>(metrics.snapshot());
    all.putAll(storage.metrics());
    all.putAll(antiEntropy.metrics());
    all.putAll(membership.metrics());
    all.putAll(transfer.metrics());
    return all;
  }

  /** Returns this node's view of its peers' health. */
  public PeerHealth health() {
    return health;
  }

  /** Returns the members (not LEFT) this node believes down: failed requests or convicted by the detector. */
  public Set<NodeId> downPeers() {
    Set<NodeId> down = new TreeSet<>(health.downPeers());
    membership.state().members().values().forEach(m -> {
      if (m.status() != MemberStatus.LEFT && !health.isUp(m.id())) {
        down.add(m.id());
      }
    });
    return down;
  }

  /** Stops the background tasks (the transport and storage are closed by their owner). */
  public void stop() {
    transfer.stop();
    membership.stop();
    antiEntropy.stop();
    handoff.stop();
    health.stop();
  }
}
