package io.dynamokv.internal.antientropy;

import io.dynamokv.ClusterStatus;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.RepairReport;
import io.dynamokv.internal.KnownStores;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.OwnActor;
import io.dynamokv.internal.Periodic;
import io.dynamokv.internal.membership.ClusterView;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.KeyedVersions;
import io.dynamokv.internal.wire.MergeBatch;
import io.dynamokv.internal.wire.MerkleLeavesReply;
import io.dynamokv.internal.wire.MerkleLeavesRequest;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.internal.wire.PartitionScan;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merkle-tree anti-entropy (the paper's section 4.7): this node compares, partition by
 * partition, its Merkle tree with each other replica's, and where they differ exchanges only the
 * differing segments' keys, so that both sides end with the merge of both version sets (never a
 * blind overwrite). Trees are built from the incrementally maintained leaves: no scan of the
 * data is needed to compare.
 *
 * <p>A pass covers every partition this node replicates, once per store, with each replica whose
 * id sorts after this node's (the other side of the pair starts the others). Passes run every
 * interval on the scheduler, one exchange at a time, and at most {@code maxKeysPerPage} keys per
 * request, which bounds the cost; {@link #repairNow()} runs a pass at once, for operators and
 * tests. Each pass ends by collecting tombstones every replica holds ({@code TombstoneCollector}).
 * Logs and counters say what each pass did.
 *
 * <p>Thread-safe; at most one pass runs at a time.
 */
public final class AntiEntropy {

  private static final Logger log = LoggerFactory.getLogger(AntiEntropy.class);

  private final NodeId self;
  private final ClusterView membership;
  private final StorageEngine storage;
  private final Transport transport;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Predicate<NodeId> isUp;
  private final Function<String, Integer> replicasOf;
  private final Duration interval;
  private final Duration timeout;
  private final int maxKeysPerPage;
  private final Limits limits;
  private final KnownStores knownStores;
  private final OwnActor actor;
  private CompletableFuture<RepairReport> current; // the pass under way, guarded by this
  // When each exchange this node runs last found the pair in sync (or was first planned).
  private final Map<SyncPair, Long> lastInSync = new ConcurrentHashMap<>();
  private final LongAdder exchanges = new LongAdder();
  private final LongAdder segmentsDiffering = new LongAdder();
  private final LongAdder keysReceived = new LongAdder();
  private final LongAdder keysSent = new LongAdder();
  private final LongAdder bytesTransferred = new LongAdder();
  private final TombstoneCollector tombstones;
  private volatile Periodic passes;

  /**
   * Creates the service.
   *
   * @param isUp this node's failure detector: peers believed down are skipped
   * @param replicasOf the N of a store (the node's default for stores it has not opened)
   */
  public AntiEntropy(NodeContext node, ClusterView membership, Predicate<NodeId> isUp, Duration interval,
      int maxKeysPerPage) {
    this.self = node.self();
    this.membership = membership;
    this.storage = node.storage();
    this.transport = node.transport();
    this.scheduler = node.scheduler();
    this.clock = node.clock();
    this.isUp = isUp;
    this.replicasOf = node.replicasOf();
    this.interval = interval;
    this.timeout = node.requestTimeout();
    this.maxKeysPerPage = maxKeysPerPage;
    this.limits = node.limits();
    this.knownStores = node.stores();
    this.actor = node.actor();
    this.tombstones = new TombstoneCollector(node, membership, isUp, maxKeysPerPage);
  }

  /** Starts the periodic passes. */
  public void start() {
    passes = Periodic.startAsync(scheduler, interval, self + ": anti-entropy pass", this::repairNow);
  }

  /** Stops them. */
  public void stop() {
    Periodic p = passes;
    if (p != null) {
      p.cancel();
    }
  }

  /**
   * Runs a pass now, or joins the one under way: the future completes with the report of that
   * pass. A pass skips peers that are down, or that fail an exchange, as it goes ({@link RepairPass}).
   */
  public synchronized CompletableFuture<RepairReport> repairNow() {
    if (current == null || current.isDone()) {
      CompletableFuture<RepairReport> pass;
      try {
        pass = startPass();
      } catch (RuntimeException e) {
        pass = CompletableFuture.failedFuture(e); // no ring yet, or storage closed: the next pass tries again
      }
      current = pass;
    }
    return current.thenApply(report -> report); // a caller cannot complete the pass's own future
  }

  private CompletableFuture<RepairReport> startPass() {
    PassState state = new PassState();
    List<String> stores = List.copyOf(new TreeSet<>(storage.stores()));
    List<Exchange> planned = RepairPass.exchangesOf(self, stores, membership.ring(), replicasOf);
    trackPairs(planned);
    RepairPass pass = new RepairPass(self, planned.iterator(), e -> exchange(e, state), isUp, scheduler, clock);
    // With the replicas in sync, deleted keys that every replica holds can be collected.
    return pass.run().thenCompose(v -> tombstones.collect()).thenApply(collected -> {
      RepairReport report;
      synchronized (state) {
        state.collected += collected;
        state.skipped = pass.skipped();
        report = state.report();
      }
      if (report.segmentsDiffering() > 0 || report.tombstonesCollected() > 0 || report.exchangesSkipped() > 0) {
        log.info("{}: anti-entropy pass: {} exchanges, {} partitions in sync, {} segments differed, "
                + "{} keys received, {} sent, {} tombstones collected, {} exchanges skipped (peers down)", self,
            report.exchanges(), report.partitionsInSync(), report.segmentsDiffering(), report.keysReceived(),
            report.keysSent(), report.tombstonesCollected(), report.exchangesSkipped());
      }
      return report;
    });
  }

  /**
   * Keeps the in-sync times of the pairs this pass compares, starting a pair's clock when it is
   * first planned, and forgets pairs the ring no longer makes replicas.
   */
  private void trackPairs(List<Exchange> exchanges) {
    Set<SyncPair> planned = new HashSet<>();
    exchanges.forEach(e -> planned.add(new SyncPair(e.store(), e.partition(), e.peer())));
    lastInSync.keySet().retainAll(planned);
    long now = clock.currentTimeMillis();
    planned.forEach(p -> lastInSync.putIfAbsent(p, now));
  }

  /** A store's partition and the replica this node compares it with. */
  private record SyncPair(String store, int partition, NodeId peer) {}

  /** Whether a pair last found in sync at {@code lastInSyncMillis} is behind: two intervals ago or more. */
  private boolean behind(long lastInSyncMillis, long nowMillis) {
    return nowMillis - lastInSyncMillis > 2 * interval.toMillis();
  }

  /**
   * Returns the pairs not found in sync for longer than two intervals, longest first, at most
   * {@code max}. Each pair is compared by the replica with the lower id, so a node reports the
   * pairs it compares.
   */
  public List<ClusterStatus.PartitionBehind> partitionsBehind(int max) {
    long now = clock.currentTimeMillis();
    return lastInSync.entrySet().stream()
        .filter(e -> behind(e.getValue(), now))
        .sorted(Map.Entry.comparingByValue())
        .limit(max)
        .map(e -> new ClusterStatus.PartitionBehind(e.getKey().store(), e.getKey().partition(), e.getKey().peer(),
            Duration.ofMillis(now - e.getValue())))
        .toList();
  }

  static final LongFunction<CompletableFuture<Void>> NO_PACING = bytes -> CompletableFuture.completedFuture(null);

  /**
   * One exchange of a store's partition with a peer: both ways ({@code pushBack}) in a pass, or
   * only from the peer to this node in a transfer, paced by {@code pacer} (given each page's bytes).
   */
  record Exchange(String store, int partition, NodeId peer, boolean pushBack,
      LongFunction<CompletableFuture<Void>> pacer) {}

  /** What one pull brought: keys that changed here, and bytes received. */
  public record PullResult(long keysReceived, long bytesReceived) {}

  /**
   * Brings this node's copy of one store's partition up to date with {@code peer}'s: compares
   * their Merkle trees and pulls the differing segments, merging each key (nothing is pushed
   * back). Used to move a partition to a new owner; since only differing segments move, a pull
   * that stopped half-way and runs again moves only what is still missing.
   *
   * @param pacer called with each page's size before the next page is asked for (a throttle)
   */
  public CompletableFuture<PullResult> pull(String store, int partition, NodeId peer,
      LongFunction<CompletableFuture<Void>> pacer) {
    PassState state = new PassState();
    try {
      return exchange(new Exchange(store, partition, peer, false, pacer), state)
          .thenApply(v -> {
            synchronized (state) {
              return new PullResult(state.received, state.bytes);
            }
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Counts of one pass; its exchanges run concurrently, so every update holds its lock. */
  private static final class PassState {
    int exchanges;
    int inSync;
    int segments;
    long received;
    long sent;
    long transferred;
    long bytes;
    long collected;
    int skipped;

    synchronized RepairReport report() {
      return new RepairReport(exchanges, inSync, segments, received, sent, transferred, collected, skipped);
    }
  }

  private CompletableFuture<Void> exchange(Exchange e, PassState state) {
    Endpoint endpoint = membership.endpointOf(e.peer()).orElseThrow();
    long[] mine = storage.merkleLeaves(e.store(), e.partition());
    return transport.request(endpoint, new Addressed(e.peer(), new MerkleLeavesRequest(e.store(), e.partition())), timeout)
        .thenCompose(reply -> {
          exchanges.increment();
          synchronized (state) {
            state.exchanges++;
          }
          List<Integer> differing = MerkleTree.of(mine)
              .differingSegments(MerkleTree.of(((MerkleLeavesReply) reply).leaves()));
          if (differing.isEmpty()) {
            lastInSync.put(new SyncPair(e.store(), e.partition(), e.peer()), clock.currentTimeMillis());
            synchronized (state) {
              state.inSync++;
            }
            return CompletableFuture.completedFuture(null);
          }
          segmentsDiffering.add(differing.size());
          synchronized (state) {
            state.segments += differing.size();
          }
          CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
          for (int segment : differing) {
            chain = chain.thenCompose(v -> repairSegment(e, endpoint, segment, Optional.empty(), state));
          }
          return chain;
        });
  }

  /** Pulls one page of the peer's segment, merges it here, and pushes back what the peer lacks. */
  private CompletableFuture<Void> repairSegment(Exchange e, Endpoint endpoint, int segment, Optional<byte[]> after,
      PassState state) {
    PartitionScan page = PartitionScan.of(e.store(), e.partition(), segment, segment + 1, segment, after,
        maxKeysPerPage);
    return transport.request(endpoint, new Addressed(e.peer(), page), timeout).thenCompose(reply -> {
      PartitionChunk chunk = (PartitionChunk) reply;
      Map<ByteBuffer, VersionSet> theirs = new HashMap<>();
      List<CompletableFuture<VersionSet>> merges = new ArrayList<>();
      long pageBytes = 0;
      for (KeyedVersions kv : chunk.entries()) {
        byte[] keyBytes = kv.key().toArray();
        try {
          limits.requireStorable(e.store(), keyBytes.length, kv.versions());
          knownStores.admit(e.store());
        } catch (IllegalArgumentException tooLarge) {
          // Only a peer configured with larger limits (or a broken one) sends this: keep the
          // pass going, and say so.
          log.warn("{}: not taking a key from {} in {}/p{}: {}", self, e.peer(), e.store(), e.partition(),
              tooLarge.getMessage());
          continue;
        }
        int size = keyBytes.length + VersionSetCodec.encode(kv.versions()).length;
        pageBytes += size;
        bytesTransferred.add(size);
        theirs.put(ByteBuffer.wrap(keyBytes), kv.versions());
        StorageKey key = StorageKey.of(e.store(), e.partition(), segment, keyBytes);
        VersionSet before = storage.get(key).orElse(VersionSet.EMPTY);
        if (!before.merge(kv.versions()).equals(before)) {
          keysReceived.increment();
          synchronized (state) {
            state.received++;
          }
          merges.add(storage.update(key, actor.mergeInto(kv.versions())));
        }
      }
      synchronized (state) {
        state.transferred += chunk.entries().size();
        state.bytes += pageBytes;
      }
      // Keys in the page's range that the peer lacks or holds older versions of.
      Optional<byte[]> last = chunk.entries().isEmpty() ? Optional.empty()
          : Optional.of(chunk.entries().get(chunk.entries().size() - 1).key().toArray());
      List<KeyedVersions> push = new ArrayList<>();
      if (e.pushBack()) {
        pushBack(e, segment, after, chunk, last, theirs, push);
      }
      // What the peer lacks may be far more than a page (a new replica lacks everything): sent in
      // batches that each fit a frame, one after the other.
      CompletableFuture<?> pushed = CompletableFuture.completedFuture(null);
      for (MergeBatch batch : MergeBatch.split(push)) {
        pushed = pushed.thenCompose(v -> transport.request(endpoint, new Addressed(e.peer(), batch), timeout)).thenAccept(ack -> {
          if (!(ack instanceof Ack)) {
            throw new IllegalStateException("unexpected reply " + ack);
          }
          keysSent.add(batch.entries().size());
          synchronized (state) {
            state.sent += batch.entries().size();
            state.transferred += batch.entries().size();
          }
        });
      }
      CompletableFuture<Void> done = CompletableFuture.allOf(merges.toArray(CompletableFuture[]::new))
          .thenCombine(pushed, (a, b) -> null);
      long paced = pageBytes;
      if (!chunk.complete() && last.isPresent()) {
        return done.thenCompose(v -> e.pacer().apply(paced))
            .thenCompose(v -> repairSegment(e, endpoint, segment, last, state));
      }
      return done.thenCompose(v -> e.pacer().apply(paced));
    });
  }

  /** Collects into {@code push} the keys of the page's range that the peer lacks or holds older versions of. */
  private void pushBack(Exchange e, int segment, Optional<byte[]> after, PartitionChunk chunk, Optional<byte[]> last,
      Map<ByteBuffer, VersionSet> theirs, List<KeyedVersions> push) {
    ScanRange range = after.map(a -> ScanRange.segment(e.store(), e.partition(), segment)
            .resumeAfter(StorageKey.of(e.store(), e.partition(), segment, a)))
        .orElse(ScanRange.segment(e.store(), e.partition(), segment));
    storage.scan(range, (k, mine) -> {
      byte[] raw = k.key();
      if (!chunk.complete() && last.isPresent() && java.util.Arrays.compareUnsigned(raw, last.get()) > 0) {
        return false; // beyond this page: the next page covers it
      }
      VersionSet held = theirs.getOrDefault(ByteBuffer.wrap(raw), VersionSet.EMPTY);
      if (!held.merge(mine).equals(held)) {
        push.add(new KeyedVersions(e.store(), raw, mine));
        bytesTransferred.add(raw.length + VersionSetCodec.encode(mine).length);
      }
      return true;
    });
  }

  /**
   * Returns the counters: exchanges, segments found differing, keys received and sent, bytes of
   * keys and version sets moved, tombstones collected, and the longest time since a partition
   * and peer were last found in sync, and how many pairs were not for longer than two intervals.
   */
  public Map<String, Long> metrics() {
    Map<String, Long> m = new java.util.TreeMap<>();
    m.put("antientropy.exchanges", exchanges.sum());
    m.put("antientropy.segments.differing", segmentsDiffering.sum());
    m.put("antientropy.keys.received", keysReceived.sum());
    m.put("antientropy.keys.sent", keysSent.sum());
    m.put("antientropy.bytes.transferred", bytesTransferred.sum());
    m.put("tombstones.collected", tombstones.collected.sum());
    long now = clock.currentTimeMillis();
    m.put("antientropy.longest.since.in.sync.ms",
        lastInSync.values().stream().mapToLong(t -> now - t).max().orElse(0));
    m.put("antientropy.partitions.behind", lastInSync.values().stream().filter(t -> behind(t, now)).count());
    return m;
  }
}
