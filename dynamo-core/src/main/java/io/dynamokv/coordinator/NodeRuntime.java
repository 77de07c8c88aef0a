package io.dynamokv.coordinator;

import io.dynamokv.NodeId;
import io.dynamokv.membership.StaticMembership;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import io.dynamokv.version.ActorId;
import io.dynamokv.antientropy.AntiEntropy;
import java.time.Duration;
import java.util.function.Function;

/**
 * The running parts of one node, wired together: the coordinator, the replica service the
 * transport serves, the failure detector and hinted handoff. Internal: {@code DynamoNode} builds
 * it; applications use {@code DynamoNode} and {@code Store}.
 */
public final class NodeRuntime {

  /** What the runtime needs; {@code DynamoNode.Builder} validated it. */
  public record Settings(NodeId self, ActorId actor, StaticMembership membership, StorageEngine storage,
      Transport transport, Scheduler scheduler, Clock clock, Duration requestTimeout, Duration probeInterval,
      Duration hintInterval, int hintBatchSize, boolean hintedHandoff, Duration antiEntropyInterval,
      Function<String, Integer> replicasOf) {}

  private final NodeMetrics metrics = new NodeMetrics();
  private final PeerHealth health;
  private final Coordinator coordinator;
  private final HintedHandoff handoff;
  private final AntiEntropy antiEntropy;

  private NodeRuntime(Settings s) {
    health = new PeerHealth(s.self(), s.membership(), s.transport(), s.scheduler(), s.clock(), s.probeInterval(), metrics);
    coordinator = new Coordinator(s.self(), s.actor(), s.membership(), s.storage(), s.transport(), health,
        s.scheduler(), s.clock(), metrics, s.hintedHandoff());
    handoff = new HintedHandoff(s.self(), s.membership(), s.storage(), s.transport(), health, s.scheduler(), metrics,
        s.hintInterval(), s.hintBatchSize(), s.requestTimeout());
    s.transport().start(new ReplicaService(s.self(), s.membership().ring().keySpace(), s.storage(), coordinator, metrics));
    antiEntropy = new AntiEntropy(s.self(), s.membership(), s.storage(), s.transport(), s.scheduler(), s.clock(),
        health::isUp, s.replicasOf(), s.antiEntropyInterval(), s.requestTimeout(), 1000);
    health.start();
    handoff.start();
    antiEntropy.start();
  }

  /** Returns the anti-entropy service. */
  public AntiEntropy antiEntropy() {
    return antiEntropy;
  }

  /** Starts serving: the transport gets the replica service, the background tasks begin. */
  public static NodeRuntime start(Settings settings) {
    return new NodeRuntime(settings);
  }

  /** Returns the coordinator. */
  public Coordinator coordinator() {
    return coordinator;
  }

  /** Returns the counters. */
  public NodeMetrics metrics() {
    return metrics;
  }

  /** Returns this node's view of its peers' health. */
  public PeerHealth health() {
    return health;
  }

  /** Stops the background tasks (the transport and storage are closed by their owner). */
  public void stop() {
    antiEntropy.stop();
    handoff.stop();
    health.stop();
  }
}
