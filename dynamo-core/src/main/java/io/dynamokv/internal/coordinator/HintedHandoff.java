package io.dynamokv.internal.coordinator;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.OwnActor;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.membership.ClusterView;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.KeyedVersions;
import io.dynamokv.internal.wire.MergeBatch;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the hints this node holds to their owners (the paper's section 4.6): every interval,
 * and at once when an owner is seen up again, it sends each reachable owner a batch of its hints
 * and removes them once the owner acknowledged, and only those still covered by what was
 * delivered, so a hint merged in meanwhile stays for the next round. Hints live in the storage
 * engine, so a restart of this node loses none. One batch in flight per owner at a time: that,
 * the batch size and the interval throttle delivery.
 *
 * <p>Thread-safe.
 */
public final class HintedHandoff {

  private static final Logger log = LoggerFactory.getLogger(HintedHandoff.class);

  private final NodeId self;
  private final ClusterView membership;
  private final StorageEngine storage;
  private final Transport transport;
  private final PeerHealth health;
  private final Scheduler scheduler;
  private final NodeMetrics metrics;
  private final Duration interval;
  private final int batchSize;
  private final Duration timeout;
  private final OwnActor actor;
  private final java.util.function.Function<String, Integer> replicasOf;
  private final Set<NodeId> inFlight = ConcurrentHashMap.newKeySet();
  private volatile Periodic rounds;
  private volatile boolean stopped;

  /**
   * Creates the hint delivery of a node.
   *
   * @param interval how often held hints are offered to their owners
   * @param batchSize the most hints sent to an owner in one request
   */
  public HintedHandoff(NodeContext node, ClusterView membership, PeerHealth health, NodeMetrics metrics,
      Duration interval, int batchSize) {
    this.self = node.self();
    this.replicasOf = node.replicasOf();
    this.membership = membership;
    this.storage = node.storage();
    this.transport = node.transport();
    this.health = health;
    this.scheduler = node.scheduler();
    this.metrics = metrics;
    this.interval = interval;
    this.batchSize = batchSize;
    this.timeout = node.requestTimeout();
    this.actor = node.actor();
  }

  /** Starts the periodic delivery rounds, and a delivery to each peer that comes back up. */
  public void start() {
    health.onUp(owner -> scheduler.execute(() -> deliverTo(owner)));
    rounds = Periodic.start(scheduler, interval, self + ": hint delivery round", this::round);
  }

  /** Stops the delivery rounds. */
  public void stop() {
    stopped = true;
    Periodic r = rounds;
    if (r != null) {
      r.cancel();
    }
  }

  private void round() {
    for (NodeId owner : storage.hintTargets()) {
      if (!membership.isMember(owner)) {
        redirect(owner);
      } else if (health.isUp(owner)) {
        deliverTo(owner);
      }
    }
  }

  /** Sends one batch of hints to {@code owner}, and the next once it is acknowledged. */
  void deliverTo(NodeId owner) {
    if (!membership.isMember(owner)) {
      // LEFT or removed (the on-up path may name one): its hints go to the keys' current
      // replicas, never to the address it had, which another node may have taken.
      redirect(owner);
      return;
    }
    if (stopped || !inFlight.add(owner)) {
      return;
    }
    List<Hint> hints;
    Optional<Endpoint> endpoint = membership.endpointOf(owner);
    boolean full;
    try {
      List<Hint> listed = storage.hints(owner, batchSize);
      hints = withinBatchBytes(listed);
      full = hints.size() == batchSize || hints.size() < listed.size();
    } catch (RuntimeException e) {
      inFlight.remove(owner);
      return;
    }
    if (hints.isEmpty() || endpoint.isEmpty()) {
      inFlight.remove(owner);
      if (endpoint.isEmpty() && !hints.isEmpty()) {
        log.warn("{}: holding {} hints for {}, which is not a member", self, hints.size(), owner);
      }
      return;
    }
    List<KeyedVersions> batch = new ArrayList<>(hints.size());
    for (Hint h : hints) {
      batch.add(new KeyedVersions(h.key().store(), h.key().key(), h.versions()));
    }
    long sent = health.now();
    transport.request(endpoint.get(), new Addressed(owner, new MergeBatch(batch)), timeout).whenComplete((reply, failure) -> {
      if (failure != null || !(reply instanceof Ack)) {
        inFlight.remove(owner);
        health.markDown(owner, "hint delivery failed: " + (failure != null ? failure.getMessage() : reply), sent);
        return;
      }
      List<CompletableFuture<Boolean>> removals = new ArrayList<>();
      for (Hint h : hints) {
        removals.add(storage.removeHint(owner, h.key(), h.versions()));
      }
      CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
        long removed = removals.stream().filter(f -> !f.isCompletedExceptionally() && f.join()).count();
        metrics.hintsDelivered.add(removed);
        log.info("{}: delivered {} hints to {}", self, removed, owner);
        inFlight.remove(owner);
        if (full) {
          scheduler.execute(() -> deliverTo(owner)); // more are waiting
        }
      });
    });
  }

  /**
   * Hints held for a node that has left or was removed can never reach it: merges each into the
   * key's current replicas instead (this node's own copy too, if it is one), then removes it.
   */
  void redirect(NodeId gone) {
    if (stopped || !inFlight.add(gone)) {
      return;
    }
    List<Hint> hints;
    io.dynamokv.internal.ring.Ring ring;
    try {
      hints = withinBatchBytes(storage.hints(gone, batchSize));
      ring = membership.ring();
    } catch (RuntimeException e) {
      inFlight.remove(gone);
      return;
    }
    java.util.Map<NodeId, List<KeyedVersions>> byReplica = new java.util.HashMap<>();
    for (Hint h : hints) {
      int n = replicasOf.apply(h.key().store());
      for (NodeId replica : ring.preferenceList(h.key().partition(), n).primaries()) {
        byReplica.computeIfAbsent(replica, r -> new ArrayList<>())
            .add(new KeyedVersions(h.key().store(), h.key().key(), h.versions()));
      }
    }
    List<CompletableFuture<?>> merges = new ArrayList<>();
    byReplica.forEach((replica, batch) -> {
      if (replica.equals(self)) {
        // Only the keys this node replicates: the others are for their own replicas.
        for (KeyedVersions kv : batch) {
          merges.add(storage.update(ring.keySpace().storageKey(kv.store(), kv.key().toArray()),
              actor.mergeInto(kv.versions())));
        }
        return;
      }
      Optional<Endpoint> endpoint = membership.endpointOf(replica);
      if (endpoint.isEmpty()) {
        merges.add(CompletableFuture.failedFuture(new IllegalStateException(replica + " unknown")));
        return;
      }
      for (MergeBatch part : MergeBatch.split(batch)) {
        merges.add(transport.request(endpoint.get(), new Addressed(replica, part), timeout).thenAccept(reply -> {
          if (!(reply instanceof Ack)) {
            throw new IllegalStateException("unexpected reply " + reply);
          }
        }));
      }
    });
    CompletableFuture.allOf(merges.toArray(CompletableFuture[]::new)).whenComplete((v, failure) -> {
      if (failure != null) {
        inFlight.remove(gone); // retried next round
        return;
      }
      List<CompletableFuture<Boolean>> removals = new ArrayList<>();
      for (Hint h : hints) {
        removals.add(storage.removeHint(gone, h.key(), h.versions()));
      }
      CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> {
        metrics.hintsDelivered.add(hints.size());
        log.info("{}: {} has left; merged {} hints held for it into the keys' current replicas", self, gone,
            hints.size());
        inFlight.remove(gone);
        if (hints.size() == batchSize) {
          scheduler.execute(() -> redirect(gone));
        }
      });
    });
  }

  /** Returns the first of {@code hints} that fit one batch's bytes ({@link MergeBatch#MAX_BYTES}), one at least. */
  private static List<Hint> withinBatchBytes(List<Hint> hints) {
    long bytes = 0;
    for (int i = 0; i < hints.size(); i++) {
      Hint h = hints.get(i);
      bytes += MergeBatch.approximateBytes(h.key().key().length, h.versions());
      if (i > 0 && bytes > MergeBatch.MAX_BYTES) {
        return hints.subList(0, i);
      }
    }
    return hints;
  }
}
