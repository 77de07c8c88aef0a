package io.dynamokv.internal.coordinator;

import io.dynamokv.NodeId;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.membership.ClusterView;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's own view of which peers are reachable: a peer that fails a request (no reply by
 * the deadline, unreachable) is down for this node, skipped by later requests, and probed with
 * a {@link Ping} every probe interval until it answers, when it is up again and the listeners
 * (hinted handoff) are told. A peer that the gossip heartbeats' accrual detector convicts is down
 * too, until its heartbeats resume. Local; other nodes may disagree.
 *
 * <p>Thread-safe: updated from I/O threads, read from any.
 */
public final class PeerHealth {

  private static final Logger log = LoggerFactory.getLogger(PeerHealth.class);

  private final NodeId self;
  private final ClusterView membership;
  private final Transport transport;
  private final Scheduler scheduler;
  private final Duration probeInterval;
  private final NodeMetrics metrics;
  private final Set<NodeId> down = ConcurrentHashMap.newKeySet();
  private final java.util.Map<NodeId, Long> lastHeard = new ConcurrentHashMap<>();
  private final io.dynamokv.spi.Clock clock;
  private final List<Consumer<NodeId>> upListeners = new CopyOnWriteArrayList<>();
  private final java.util.function.Predicate<NodeId> convicted;
  private volatile Periodic probes;

  /**
   * Creates the failure detector of a node.
   *
   * @param probeInterval how often peers believed down are probed
   * @param convicted whether the accrual detector convicts a peer on its gossip heartbeats
   */
  public PeerHealth(NodeContext node, ClusterView membership, Duration probeInterval, NodeMetrics metrics,
      java.util.function.Predicate<NodeId> convicted) {
    this.clock = node.clock();
    this.convicted = convicted;
    this.self = node.self();
    this.membership = membership;
    this.transport = node.transport();
    this.scheduler = node.scheduler();
    this.probeInterval = probeInterval;
    this.metrics = metrics;
  }

  /**
   * Returns whether {@code node} is believed reachable (this node always is): it answered the
   * last request (or was not asked since it last answered), and the accrual detector does not
   * convict it on its gossip heartbeats.
   */
  public boolean isUp(NodeId node) {
    return node.equals(self) || (!down.contains(node) && !convicted.test(node));
  }

  /** Returns the peers that failed requests and have not answered a probe since. */
  public Set<NodeId> downPeers() {
    return Set.copyOf(down);
  }

  /** Returns the time to pass to {@link #markDown} for a request sent now. */
  long now() {
    return clock.nanoTime();
  }

  /**
   * Marks {@code node} down because a request sent at {@code sentAtNanos} failed; ignored if the
   * node has answered anything since, so that a late failure cannot undo fresher evidence.
   */
  void markDown(NodeId node, String reason, long sentAtNanos) {
    Long heard = lastHeard.get(node);
    if (heard != null && heard - sentAtNanos > 0) {
      return;
    }
    if (!node.equals(self) && down.add(node)) {
      metrics.peersMarkedDown.increment();
      log.info("{}: marking {} down: {}", self, node, reason);
    }
  }

  void markUp(NodeId node) {
    lastHeard.put(node, clock.nanoTime());
    if (down.remove(node)) {
      metrics.peersMarkedUp.increment();
      log.info("{}: {} answers again; marking it up", self, node);
      upListeners.forEach(l -> l.accept(node));
    }
  }

  void onUp(Consumer<NodeId> listener) {
    upListeners.add(listener);
  }

  /** Starts probing the peers believed down, each probe interval. */
  public void start() {
    probes = Periodic.start(scheduler, probeInterval, self + ": probe of peers believed down", this::probeDownPeers);
  }

  private void probeDownPeers() {
    for (NodeId node : down) {
      if (!membership.isMember(node)) {
        down.remove(node); // LEFT or removed: nothing to probe, and its address may be another node's now
        continue;
      }
      membership.endpointOf(node).ifPresent(endpoint ->
          transport.request(endpoint, new Addressed(node, new Ping(0)), probeInterval).thenAccept(reply -> {
            // Only the node meant counts: another one may listen at a removed node's address (a
            // node refuses a request addressed to another; the answer names who answered too).
            if (reply instanceof Pong pong && pong.from().equals(Optional.of(node))) {
              markUp(node);
            } else {
              log.warn("{}: probe of {} at {} was answered by {}", self, node, endpoint, reply);
            }
          }));
    }
  }

  /** Stops the probes. */
  public void stop() {
    Periodic p = probes;
    if (p != null) {
      p.cancel();
    }
  }
}
