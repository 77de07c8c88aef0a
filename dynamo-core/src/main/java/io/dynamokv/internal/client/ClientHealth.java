package io.dynamokv.internal.client;

import io.dynamokv.NodeId;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's own view of which nodes answer: a node that failed a request (unreachable, or
 * silent past its deadline) is tried last by later requests, and pinged every probe interval
 * until it answers. Local to the client; the nodes may see it otherwise. Thread-safe.
 */
final class ClientHealth {

  private static final Logger log = LoggerFactory.getLogger(ClientHealth.class);

  private final Transport transport;
  private final Clock clock;
  private final Supplier<ClientRing> ring;
  private final Set<NodeId> down = ConcurrentHashMap.newKeySet();
  private final Map<NodeId, Long> lastHeard = new ConcurrentHashMap<>();
  private final Periodic probes;
  private final Duration probeInterval;

  ClientHealth(Transport transport, Scheduler scheduler, Clock clock, Duration probeInterval, Supplier<ClientRing> ring) {
    this.transport = transport;
    this.clock = clock;
    this.ring = ring;
    this.probeInterval = probeInterval;
    this.probes = Periodic.start(scheduler, probeInterval, "client: probe of nodes believed down", this::probe);
  }

  boolean isUp(NodeId node) {
    return !down.contains(node);
  }

  Set<NodeId> down() {
    return Set.copyOf(down);
  }

  long now() {
    return clock.nanoTime();
  }

  /** Marks {@code node} down, unless it answered anything after {@code sentAtNanos}. */
  void markDown(NodeId node, String reason, long sentAtNanos) {
    Long heard = lastHeard.get(node);
    if ((heard == null || heard - sentAtNanos <= 0) && down.add(node)) {
      log.info("client: marking {} down: {}", node, reason);
    }
  }

  void markUp(NodeId node) {
    lastHeard.put(node, clock.nanoTime());
    if (down.remove(node)) {
      log.info("client: {} answers again; marking it up", node);
    }
  }

  private void probe() {
    ClientRing view = ring.get();
    for (NodeId node : down) {
      Optional<io.dynamokv.Endpoint> at = view == null ? Optional.empty() : view.endpointOf(node);
      if (at.isEmpty()) {
        down.remove(node); // it left: nothing to probe
        continue;
      }
      transport.request(at.get(), new Addressed(node, new Ping(0)), probeInterval).thenAccept(reply -> {
        if (reply instanceof Pong pong && pong.from().equals(Optional.of(node))) {
          markUp(node);
        }
      });
    }
  }

  void stop() {
    probes.cancel();
  }
}
