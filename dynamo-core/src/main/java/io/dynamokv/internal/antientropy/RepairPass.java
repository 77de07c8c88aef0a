package io.dynamokv.internal.antientropy;

import io.dynamokv.NodeId;
import io.dynamokv.internal.Failures;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.TransportException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchanges of one anti-entropy pass, run {@value #CONCURRENCY} at a time. They are
 * enumerated as the pass goes (store by store, partition by partition), so a pass holds a
 * handful of them whatever the number of stores and partitions. A peer that fails an exchange
 * (it stopped, or is cut off) is skipped for the rest of the pass, as is one the failure
 * detector believes down when its turn comes: a pass right after a peer stopped costs about one
 * request deadline, not one per partition it shares with the peer. Progress is logged every
 * {@link #PROGRESS_EVERY_MILLIS} ms of a long pass.
 *
 * <p>Thread-safe: lanes take their next exchange under this object's lock.
 */
final class RepairPass {

  private static final Logger log = LoggerFactory.getLogger(RepairPass.class);

  /** Exchanges in flight at once. */
  static final int CONCURRENCY = 4;

  /** How often a long pass logs its progress. */
  static final long PROGRESS_EVERY_MILLIS = 10_000;

  private final NodeId self;
  private final Iterator<AntiEntropy.Exchange> work;
  private final Function<AntiEntropy.Exchange, CompletableFuture<Void>> exchange;
  private final Predicate<NodeId> isUp;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Set<NodeId> failedPeers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicInteger skipped = new AtomicInteger();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private int lanes;
  private long lastProgressMillis;

  RepairPass(NodeId self, Iterator<AntiEntropy.Exchange> work, Function<AntiEntropy.Exchange, CompletableFuture<Void>> exchange,
      Predicate<NodeId> isUp, Scheduler scheduler, Clock clock) {
    this.self = self;
    this.work = work;
    this.exchange = exchange;
    this.isUp = isUp;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /**
   * The exchanges a pass of {@code self} makes: for each store and each partition {@code self}
   * replicates on {@code ring}, in order, one with each other replica whose id is greater (the
   * exchange repairs both ways, so one of each pair starts it).
   */
  static List<AntiEntropy.Exchange> exchangesOf(NodeId self, List<String> stores, Ring ring,
      Function<String, Integer> replicasOf) {
    List<AntiEntropy.Exchange> out = new ArrayList<>();
    for (String store : stores) {
      int n = replicasOf.apply(store);
      for (int partition : ring.replicatedBy(self, n)) {
        for (NodeId peer : ring.preferenceList(partition, n).primaries()) {
          if (self.compareTo(peer) < 0) {
            out.add(new AntiEntropy.Exchange(store, partition, peer, true, AntiEntropy.NO_PACING));
          }
        }
      }
    }
    return out;
  }

  /** Runs the pass; the future completes when every exchange has run or been skipped. */
  CompletableFuture<Void> run() {
    lastProgressMillis = clock.currentTimeMillis();
    synchronized (this) {
      lanes = CONCURRENCY;
    }
    for (int i = 0; i < CONCURRENCY; i++) {
      next();
    }
    return finished;
  }

  /** Returns how many exchanges were skipped because their peer was down or had failed. */
  int skipped() {
    return skipped.get();
  }

  /** Starts the next exchange on this lane, or ends the lane when none is left. */
  private void next() {
    AntiEntropy.Exchange e;
    try {
      e = take();
    } catch (RuntimeException failure) {
      finished.completeExceptionally(failure);
      return;
    }
    if (e == null) {
      synchronized (this) {
        if (--lanes == 0) {
          finished.complete(null);
        }
      }
      return;
    }
    CompletableFuture<Void> running;
    try {
      running = exchange.apply(e);
    } catch (RuntimeException failure) {
      running = CompletableFuture.failedFuture(failure);
    }
    running.whenComplete((v, t) -> {
      if (t != null) {
        Throwable cause = Failures.cause(t);
        if (cause instanceof TransportException && failedPeers.add(e.peer())) {
          log.info("{}: anti-entropy skips {} for the rest of this pass: {}", self, e.peer(), cause.getMessage());
        }
        log.debug("{}: anti-entropy with {} on {}/p{} failed: {}", self, e.peer(), e.store(), e.partition(), cause.toString());
      }
      done.incrementAndGet();
      logProgress();
      // On the scheduler, not on the thread that completed the exchange: no lane grows a stack.
      scheduler.execute(this::next);
    });
  }

  /** Returns the next exchange whose peer is believed up and has not failed, or null at the end. */
  private synchronized AntiEntropy.Exchange take() {
    while (work.hasNext()) {
      AntiEntropy.Exchange e = work.next();
      if (failedPeers.contains(e.peer()) || !isUp.test(e.peer())) {
        skipped.incrementAndGet();
        continue;
      }
      return e;
    }
    return null;
  }

  private void logProgress() {
    long now = clock.currentTimeMillis();
    synchronized (this) {
      if (now - lastProgressMillis < PROGRESS_EVERY_MILLIS) {
        return;
      }
      lastProgressMillis = now;
    }
    log.info("{}: anti-entropy pass under way: {} exchanges done, {} skipped (peers down: {})", self, done.get(),
        skipped.get(), failedPeers);
  }
}
