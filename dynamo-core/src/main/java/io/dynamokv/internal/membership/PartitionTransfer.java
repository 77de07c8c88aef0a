package io.dynamokv.internal.membership;

import io.dynamokv.ClusterStatus;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.antientropy.AntiEntropy;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.ListStores;
import io.dynamokv.internal.wire.StoreNames;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves partitions to this node when a pending ring gives it ones it did not replicate: for each
 * store and gained partition, it pulls the partition from every reachable old replica (the first
 * pull moves the data, the others only what the first lacked, thanks to the Merkle comparison),
 * then tells the cluster it is ready for the ring ({@link GossipMembership#markReady}).
 *
 * <p>Pulls begin only once every reachable member has adopted the pending ring and a request
 * deadline has passed: from then on every write reaches the new owners as well as the old, so a
 * pull misses nothing acknowledged. Transfers are throttled ({@link TransferPacer}), one
 * partition at a time; finished partitions are saved, so a restart of this node resumes where it
 * stopped, and a failed pull (a source restarting) is retried. Progress goes to the log.
 *
 * <p>Thread-safe: work runs on the scheduler and transport threads, one step at a time.
 */
public final class PartitionTransfer {

  private static final Logger log = LoggerFactory.getLogger(PartitionTransfer.class);
  static final String META_PROGRESS = "transfer/progress";
  private static final long PROGRESS_LOG_NANOS = 5_000_000_000L;

  private final NodeId self;
  private final GossipMembership membership;
  private final AntiEntropy antiEntropy;
  private final StorageEngine storage;
  private final Transport transport;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Predicate<NodeId> reachable;
  private final Function<String, Integer> replicasOf;
  private final TransferPacer pacer;
  private final long bytesPerSecond;
  private final Duration settleDelay;
  private final Duration retryInterval;
  private final LongAdder partitionsDone = new LongAdder();
  private final LongAdder bytesReceived = new LongAdder();
  private volatile Job job;
  private volatile boolean stopped;

  /**
   * Creates the service.
   *
   * @param bytesPerSecond the most a node receives per second, summed over its transfers
   * @param settleDelay how long after every reachable node adopted a ring pulls wait (in-flight
   *     writes that used the older ring end within a request deadline)
   * @param retryInterval how long to wait before asking again (adoption, a failed pull)
   */
  public PartitionTransfer(NodeContext node, GossipMembership membership, AntiEntropy antiEntropy,
      Predicate<NodeId> reachable, long bytesPerSecond, Duration settleDelay, Duration retryInterval) {
    this.self = node.self();
    this.membership = membership;
    this.antiEntropy = antiEntropy;
    this.storage = node.storage();
    this.transport = node.transport();
    this.scheduler = node.scheduler();
    this.clock = node.clock();
    this.reachable = reachable;
    this.replicasOf = node.replicasOf();
    this.pacer = new TransferPacer(bytesPerSecond, clock, scheduler);
    this.bytesPerSecond = bytesPerSecond;
    this.settleDelay = settleDelay;
    this.retryInterval = retryInterval;
  }

  /** Follows the membership: starts a job for each new pending ring. */
  public void start() {
    membership.onChange(this::onChange);
    onChange(membership.state());
  }

  /** Stops the current job; a restarted node resumes it from the saved progress. */
  public synchronized void stop() {
    stopped = true;
    if (job != null) {
      job.cancelled = true;
    }
  }

  /** Returns the counters: partitions received and bytes pulled. */
  public java.util.Map<String, Long> metrics() {
    return java.util.Map.of("transfer.partitions.done", partitionsDone.sum(),
        "transfer.bytes.received", bytesReceived.sum());
  }

  /**
   * Returns the transfer under way, if any: partitions to receive and received, bytes, and the
   * time the rest should take at this run's rate so far.
   */
  public Optional<ClusterStatus.Transfer> progress() {
    Job j = job;
    if (j == null || j.cancelled || j.total == 0) {
      return Optional.empty();
    }
    int done = j.doneCount;
    int doneHere = done - j.doneAtStart;
    Optional<Duration> remaining = Optional.empty();
    if (doneHere > 0) {
      long elapsed = clock.nanoTime() - j.startedNanos;
      remaining = Optional.of(Duration.ofNanos(elapsed / doneHere * (j.total - done)));
    }
    return Optional.of(new ClusterStatus.Transfer(j.target.version(), j.total, done, j.bytes.get(), remaining));
  }

  private synchronized void onChange(ClusterState s) {
    if (stopped) {
      return;
    }
    Optional<Ring> pending = s.pending();
    if (job != null && (pending.isEmpty() || !job.target.id().equals(pending.get().id()))) {
      job.cancelled = true;
      job = null;
    }
    if (pending.isEmpty() || job != null || s.committed().isEmpty()) {
      return;
    }
    MemberState me = s.member(self).orElseThrow();
    if (me.ready().equals(pending.get().id()) || me.status() == MemberStatus.LEFT) {
      return;
    }
    job = new Job(s.committed().get(), pending.get());
    job.awaitAdoption();
  }

  private record Item(String store, int partition, List<NodeId> sources) {
    String name() {
      return store + "\t" + partition;
    }
  }

  /** The transfers for one pending ring. */
  private final class Job {
    final Ring base;
    final Ring target;
    volatile boolean cancelled;
    final Deque<Item> queue = new ArrayDeque<>();
    final Set<String> done = new TreeSet<>();
    // Written on the scheduler, read by progress() on any thread.
    volatile int total;
    volatile int doneCount;
    volatile int doneAtStart;
    // Added to by pulls completing on transport threads, read by progress lines on the scheduler.
    final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    long startedNanos;
    long lastLogNanos;

    Job(Ring base, Ring target) {
      this.base = base;
      this.target = target;
    }

    void awaitAdoption() {
      if (cancelled) {
        return;
      }
      if (!membership.adoptedByAllReachable(target.id())) {
        scheduler.schedule(retryInterval, this::awaitAdoption);
        return;
      }
      scheduler.schedule(settleDelay, this::plan);
    }

    void plan() {
      if (cancelled) {
        return;
      }
      listStores().whenComplete((stores, failure) -> {
        if (cancelled) {
          return;
        }
        if (failure != null) {
          log.info("{}: transfer to ring {}: could not list stores ({}); retrying", self, target.id(), failure.toString());
          scheduler.schedule(retryInterval, this::plan);
          return;
        }
        loadProgress();
        for (String store : stores) {
          int n = replicasOf.apply(store);
          // Only the partitions this node replicates in the target: not a walk of all Q.
          for (int p : target.replicatedBy(self, n)) {
            List<NodeId> old = base.preferenceList(p, n).primaries();
            if (!old.contains(self)) {
              Item item = new Item(store, p, old);
              total++;
              if (!done.contains(item.name())) {
                queue.add(item);
              }
            }
          }
        }
        doneAtStart = total - queue.size();
        doneCount = doneAtStart;
        startedNanos = clock.nanoTime();
        lastLogNanos = startedNanos;
        if (total > 0) {
          log.info("{}: transfer to ring {}: {} partitions to receive ({} already done), from {}, limit {}",
              self, target.id(), total, total - queue.size(), base.nodes(), bytesPerSecond + " B/s");
        }
        next();
      });
    }

    /**
     * This node's stores and those of every old owner that answers (a new node holds none yet);
     * fails only if no other old owner answers, since every owner holds nearly every store.
     */
    CompletableFuture<Set<String>> listStores() {
      Set<String> all = java.util.Collections.synchronizedSet(new TreeSet<>(storage.stores()));
      List<CompletableFuture<Boolean>> asks = new ArrayList<>();
      for (NodeId node : base.nodes()) {
        Optional<Endpoint> endpoint = membership.endpointOf(node);
        if (node.equals(self) || endpoint.isEmpty() || !reachable.test(node) || !isMember(node)) {
          continue;
        }
        asks.add(transport.request(endpoint.get(), new Addressed(node, new ListStores()), settleDelay)
            .thenApply(reply -> all.addAll(((StoreNames) reply).names()))
            .handle((ok, failure) -> failure == null));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
        if (!asks.isEmpty() && asks.stream().noneMatch(CompletableFuture::join)) {
          throw new IllegalStateException("no old owner answered");
        }
        return all;
      });
    }

    void next() {
      if (cancelled) {
        return;
      }
      Item item = queue.poll();
      if (item == null) {
        finish();
        return;
      }
      List<NodeId> sources = item.sources().stream()
          .filter(n -> !n.equals(self) && reachable.test(n) && isMember(n)).toList();
      if (sources.isEmpty()) {
        // Every old replica is unreachable: wait for one to come back (or an operator's removenode).
        queue.addLast(item);
        scheduler.schedule(retryInterval, this::next);
        return;
      }
      pullAll(item, sources, 0, 0).whenComplete((ok, failure) -> scheduler.execute(() -> {
        if (failure != null || !ok) {
          log.info("{}: transfer of {}/p{} failed ({}); will retry", self, item.store(), item.partition(),
              failure != null ? failure.toString() : "no source answered");
          queue.addLast(item);
          scheduler.schedule(retryInterval, this::next);
          return;
        }
        done.add(item.name());
        doneCount++;
        partitionsDone.increment();
        saveProgress();
        logProgress(false);
        next();
      }));
    }

    /** Pulls from each source in turn; true if at least one pull completed. */
    CompletableFuture<Boolean> pullAll(Item item, List<NodeId> sources, int i, int succeeded) {
      if (i == sources.size() || cancelled) {
        return CompletableFuture.completedFuture(succeeded > 0);
      }
      return antiEntropy.pull(item.store(), item.partition(), sources.get(i), pacer)
          .handle((result, failure) -> {
            if (result != null) {
              bytes.addAndGet(result.bytesReceived());
              bytesReceived.add(result.bytesReceived());
            }
            return failure == null ? 1 : 0;
          })
          .thenCompose(ok -> pullAll(item, sources, i + 1, succeeded + ok));
    }

    void finish() {
      logProgress(true);
      membership.markReady(target.id());
    }

    void logProgress(boolean last) {
      long now = clock.nanoTime();
      if (total == 0 || (!last && now - lastLogNanos < PROGRESS_LOG_NANOS)) {
        return;
      }
      lastLogNanos = now;
      double seconds = Math.max(1e-3, (now - startedNanos) / 1e9);
      log.info("{}: transfer to ring {}: {}/{} partitions, {} bytes received, {} B/s{}", self, target.id(),
          done.size(), total, bytes.get(), (long) (bytes.get() / seconds), last ? ": done, ready" : "");
    }

    void loadProgress() {
      storage.getMetadata(META_PROGRESS).ifPresent(raw -> {
        String[] lines = new String(raw, StandardCharsets.UTF_8).split("\n");
        if (lines.length > 0 && lines[0].equals(target.id().toString())) {
          for (int i = 1; i < lines.length; i++) {
            done.add(lines[i]);
          }
        }
      });
    }

    void saveProgress() {
      StringBuilder text = new StringBuilder(target.id().toString());
      done.forEach(d -> text.append('\n').append(d));
      storage.putMetadata(META_PROGRESS, text.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private boolean isMember(NodeId node) {
    return membership.state().member(node).map(m -> m.status() != MemberStatus.LEFT).orElse(false);
  }

}
