package io.dynamokv.internal.client;

import io.dynamokv.Endpoint;
import io.dynamokv.SeedsUnreachableException;
import io.dynamokv.internal.Failures;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.internal.wire.RingQuery;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns the members and the committed ring from the seeds, then keeps them fresh: every refresh
 * interval it asks one member (in turn) whether the committed ring moved on, a question whose
 * usual answer is a bare acknowledgement; and at once when a request suggests the ring is stale.
 * Only a later ring replaces the one held, so a lagging node cannot turn the client back.
 * Thread-safe.
 */
final class RingFollower {

  private static final Logger log = LoggerFactory.getLogger(RingFollower.class);

  private final Transport transport;
  private final Scheduler scheduler;
  private final Duration refreshInterval;
  private final Duration timeout;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final AtomicLong turn = new AtomicLong();
  private final AtomicLong refreshes = new AtomicLong();
  private volatile ClientRing current;
  private volatile Periodic periodic;
  private volatile boolean stopped;

  RingFollower(Transport transport, Scheduler scheduler, Duration refreshInterval, Duration timeout) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.refreshInterval = refreshInterval;
    this.timeout = timeout;
  }

  /** Returns the view held, or null before the first. */
  ClientRing current() {
    return current;
  }

  /** Returns how many times a later ring replaced the one held. */
  long ringChanges() {
    return refreshes.get();
  }

  /**
   * Asks every seed at once; completes with the first view a seed gives, or fails once all have
   * failed, with what each said.
   */
  CompletableFuture<ClientRing> start(List<Endpoint> seeds) {
    CompletableFuture<ClientRing> first = new CompletableFuture<>();
    Map<Endpoint, String> failures = new LinkedHashMap<>();
    for (Endpoint seed : seeds) {
      transport.request(seed, new RingQuery(0, 0), timeout).whenComplete((reply, failure) -> {
        Optional<ClientRing> view = reply instanceof Gossip g ? ClientRing.of(g) : Optional.empty();
        if (view.isPresent()) {
          adopt(view.get(), seed);
          first.complete(current);
          return;
        }
        synchronized (failures) {
          failures.put(seed, failure != null ? Failures.describe(failure)
              : reply instanceof Gossip ? "it has no committed ring yet" : "unexpected reply " + reply);
          if (failures.size() == seeds.size()) {
            first.completeExceptionally(new SeedsUnreachableException(failures, timeout.toMillis()));
          }
        }
      });
    }
    return first.thenApply(view -> {
      synchronized (this) {
        if (!stopped && periodic == null) {
          periodic = Periodic.startAsync(scheduler, refreshInterval, "client: ring refresh", () -> refresh(false));
        }
      }
      return view;
    });
  }

  /**
   * Asks a member now for the ring, unless a question is already out: for the whole state if
   * {@code force} (an endpoint may have moved while the ring stayed), else only if the ring moved on.
   */
  void refreshSoon(boolean force) {
    scheduler.execute(() -> refresh(force));
  }

  private CompletableFuture<Void> refresh(boolean force) {
    ClientRing view = current;
    if (view == null || view.endpoints().isEmpty() || !refreshing.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(null);
    }
    List<Endpoint> members = new ArrayList<>(view.endpoints().values());
    Endpoint asked = members.get((int) Math.floorMod(turn.getAndIncrement(), (long) members.size()));
    RingId held = force ? RingId.NONE : view.ring().id();
    return transport.request(asked, new RingQuery(held.version(), held.fingerprint()), timeout)
        .handle((reply, failure) -> {
          refreshing.set(false);
          if (reply instanceof Gossip g) {
            ClientRing.of(g).ifPresent(next -> adopt(next, asked));
          } else if (failure != null || !(reply instanceof Ack)) {
            log.debug("client: ring refresh from {} failed: {}", asked, failure != null ? Failures.describe(failure) : reply);
          }
          return null;
        });
  }

  private synchronized void adopt(ClientRing next, Endpoint from) {
    ClientRing held = current;
    if (held == null || next.ring().id().isAfter(held.ring().id())
        || (next.ring().id().equals(held.ring().id()) && !next.endpoints().equals(held.endpoints()))) {
      current = next;
      if (held != null) {
        refreshes.incrementAndGet();
      }
      log.info("client: ring {} of {} from {}", next.ring().id(), next.ring().nodes(), from);
    }
  }

  synchronized void stop() {
    stopped = true;
    if (periodic != null) {
      periodic.cancel();
    }
  }
}
