package io.dynamokv.internal.coordinator;

import io.dynamokv.Endpoint;
import io.dynamokv.InsufficientReplicasException;
import io.dynamokv.NodeId;
import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Failures;
import io.dynamokv.internal.KnownStores;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.OwnActor;
import io.dynamokv.internal.ReadSpeculation;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.membership.ClusterView;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.Bytes;
import io.dynamokv.internal.wire.CoordinateGet;
import io.dynamokv.internal.wire.CoordinatePut;
import io.dynamokv.internal.wire.CoordinatePutReply;
import io.dynamokv.internal.wire.CoordinateScan;
import io.dynamokv.internal.wire.KeyedVersions;
import io.dynamokv.internal.wire.MergeBatch;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.internal.wire.PartitionScan;
import io.dynamokv.internal.wire.PrimaryGet;
import io.dynamokv.internal.wire.ReplicaDigest;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.internal.wire.SetDigest;
import io.dynamokv.internal.wire.ReplicaPut;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.PeerBusyException;
import io.dynamokv.spi.RemoteFailureException;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.TransportException;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quorum protocol of one node (the paper's sections 4.5 and 4.6).
 *
 * <h2>Put</h2>
 * A node in the key's preference list coordinates: it applies the write to its own version set
 * under a new dot of its actor id, then sends the resulting set to the other N-1 replicas and
 * succeeds once W (itself included) have stored it. A replica this node believes down, or one
 * that fails during the write, is replaced by the next healthy fallback on the ring, which stores
 * the set as a hint naming the intended owner; hinted writes count toward W. A node outside the
 * preference list forwards the put to a primary it believes up. If it believes none up, or the
 * one it tried did not answer in time, it coordinates the put itself as a fallback, under an
 * actor of its own ({@link FallbackActor}), sending it to the first N healthy nodes of the
 * extended preference list: a minority with no primary of a key keeps taking its writes.
 *
 * <p>While the cluster moves to a new ring, the write also goes to the key's replicas in that
 * ring that are not replicas yet, so that partitions in transfer miss nothing.
 *
 * <h2>Get</h2>
 * Any node coordinates: of the first N healthy nodes of the preference list it asks R (itself
 * first, locally, when it is one), and the next of them in place of one that fails or is slow to
 * answer ({@link ReadSpeculation}); so a read at R=2 on a replica costs one remote read. It
 * answers with the merge of R replies, and of what it wrote itself as a fallback coordinator. A
 * fallback answers with what it holds as a replica (usually nothing; its hints are not read), so
 * when no primary answers, R counts answers that may be empty. It keeps listening until every
 * node asked answered or the deadline passed, then sends the merged set to each primary whose
 * reply lacked something (read repair), so late replies repair too. A replica no read asks is
 * repaired by anti-entropy, or by a read at R=N.
 *
 * <p>Thread-safe. Futures complete on I/O or storage threads; the public API moves user
 * callbacks elsewhere.
 */
public final class Coordinator implements Coordination {

  private final NodeId self;
  private final OwnActor actor;
  private final ClusterView membership;
  private final StorageEngine storage;
  private final Transport transport;
  private final PeerHealth health;
  private final Scheduler scheduler;
  private final Clock clock;
  private final NodeMetrics metrics;
  private final Limits limits;
  private final KnownStores knownStores;
  private final java.util.concurrent.atomic.AtomicLong writeCount = new java.util.concurrent.atomic.AtomicLong();
  private final boolean sloppy;
  private final FallbackActor fallbackActor;
  private final ReadSpeculation speculation = new ReadSpeculation();
  private volatile CompletableFuture<Void> actorChecked = CompletableFuture.completedFuture(null);

  /**
   * Creates the coordinator of a node.
   *
   * @param sloppy whether fallback nodes take writes for replicas believed down, with hints
   */
  public Coordinator(NodeContext node, ClusterView membership, PeerHealth health, NodeMetrics metrics,
      boolean sloppy) {
    this.self = node.self();
    this.actor = node.actor();
    this.membership = membership;
    this.storage = node.storage();
    this.transport = node.transport();
    this.health = health;
    this.scheduler = node.scheduler();
    this.clock = node.clock();
    this.limits = node.limits();
    this.knownStores = node.stores();
    this.metrics = metrics;
    this.sloppy = sloppy;
    this.fallbackActor = new FallbackActor(node.actor().current(), node.random(), node.clock());
  }

  /**
   * Holds the writes this node coordinates under its own actor until {@code check} completes: the
   * check that this node's storage is not an older copy of its data, made when it starts.
   */
  public void holdOwnWritesUntil(CompletableFuture<Void> check) {
    actorChecked = check;
  }

  StorageKey storageKey(String store, byte[] key) {
    return membership.ring().keySpace().storageKey(store, key);
  }

  private Endpoint endpoint(NodeId node) {
    return membership.endpointOf(node).orElseThrow(() -> new IllegalStateException(node + " is not a member"));
  }

  private static String describe(Throwable failure) {
    return Failures.describe(failure);
  }

  private static Throwable unwrap(Throwable failure) {
    return Failures.cause(failure);
  }

  // ---------------------------------------------------------------- get

  /**
   * Reads what {@code replica} alone holds for {@code key}, with no quorum and no repair: a
   * diagnostic. Fails with an {@link InsufficientReplicasException} naming the replica if it
   * does not answer by the deadline.
   */
  @Override
  public CompletableFuture<VersionSet> readReplica(String store, byte[] key, NodeId replica, Duration timeout) {
    String op = "get from replica " + replica;
    try {
      StorageKey sk = storageKey(store, key);
      if (replica.equals(self)) {
        return CompletableFuture.completedFuture(storage.get(sk).orElse(VersionSet.EMPTY));
      }
      Endpoint at = membership.endpointOf(replica).orElseThrow(() -> new IllegalArgumentException(
          "replica : " + replica + " (expected: a member)"));
      return transport.request(at, new Addressed(replica, new ReplicaGet(store, key)), timeout).handle((reply, failure) -> {
        if (failure == null && reply instanceof ReplicaGetReply g) {
          return g.versions();
        }
        String why = failure != null ? describe(failure) : "unexpected reply " + reply;
        throw new InsufficientReplicasException(op + " of " + sk, 1, 0, Map.of(replica, why));
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A read a client sent this node to coordinate; counted as misrouted if this node is not one of
   * the key's primaries (the client's ring is behind, or it sent the read elsewhere on purpose).
   */
  CompletableFuture<VersionSet> coordinateGet(CoordinateGet g) {
    try {
      Placed at = place(g.store(), g.key(), g.n());
      return doGet(g.store(), at.key(), at.sk(), at.pl(), g.r(), Duration.ofMillis(g.timeoutMillis()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The key of a request sent here, where it is stored, and its preference list. */
  private record Placed(byte[] key, StorageKey sk, PreferenceList pl) {}

  /**
   * Checks the key of a request sent here (by a client or a node) and places it in the ring;
   * counts the request misrouted if this node is not one of the key's primaries.
   */
  private Placed place(String store, Bytes keyBytes, int n) {
    byte[] key = keyBytes.toArray();
    limits.requireKeyLength(key.length);
    StorageKey sk = storageKey(store, key);
    PreferenceList pl = membership.ring().preferenceList(sk.partition(), n);
    if (!pl.primaries().contains(self)) {
      metrics.misroutedRequests.increment();
    }
    return new Placed(key, sk, pl);
  }

  /**
   * Serves a client's read of this node's own copy of a key ({@link PrimaryGet}), if this node is
   * one of the key's primaries; refuses it if not, as a client with a stale ring may ask a node
   * that holds nothing of the key, and its read then goes through a coordinator.
   */
  CompletableFuture<VersionSet> readAsPrimary(PrimaryGet g) {
    try {
      StorageKey sk = asPrimary("read", g.store(), g.key(), g.n());
      metrics.primaryReads.increment();
      return CompletableFuture.completedFuture(storage.get(sk).orElse(VersionSet.EMPTY));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Serves a client's read of the digest of this node's own copy of the key {@code g} names
   * ({@link PrimaryDigest}), if this node is one of the key's primaries; refuses it if not, as
   * {@link #readAsPrimary} does.
   */
  CompletableFuture<Long> digestAsPrimary(PrimaryGet g) {
    try {
      StorageKey sk = asPrimary("digest read", g.store(), g.key(), g.n());
      metrics.primaryDigests.increment();
      return CompletableFuture.completedFuture(storage.digest(sk));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * {@link #readAsPrimary} on an I/O thread: the read if the storage engine holds the key's copy
   * in memory ({@link StorageEngine#getFromMemory}), or the refusal of a read this node does not
   * serve; empty, having read nothing, if the read would wait for the disk.
   */
  Optional<CompletableFuture<VersionSet>> readAsPrimaryFromMemory(PrimaryGet g) {
    try {
      Optional<VersionSet> held = storage.getFromMemory(asPrimary("read", g.store(), g.key(), g.n()));
      if (held.isPresent()) {
        metrics.primaryReads.increment();
        metrics.primaryReadsFromMemory.increment();
      }
      return held.map(CompletableFuture::completedFuture);
    } catch (RuntimeException e) {
      return Optional.of(CompletableFuture.failedFuture(e));
    }
  }

  /** {@link #digestAsPrimary} on an I/O thread, as {@link #readAsPrimaryFromMemory} reads. */
  Optional<CompletableFuture<Long>> digestAsPrimaryFromMemory(PrimaryGet g) {
    try {
      java.util.OptionalLong digest = storage.digestFromMemory(asPrimary("digest read", g.store(), g.key(), g.n()));
      if (digest.isEmpty()) {
        return Optional.empty();
      }
      metrics.primaryDigests.increment();
      metrics.primaryReadsFromMemory.increment();
      return Optional.of(CompletableFuture.completedFuture(digest.getAsLong()));
    } catch (RuntimeException e) {
      return Optional.of(CompletableFuture.failedFuture(e));
    }
  }

  /** Places a client's read of this node's own copy; fails if this node is not one of the key's primaries. */
  private StorageKey asPrimary(String what, String store, Bytes key, int n) {
    Placed at = place(store, key, n);
    if (!at.pl().primaries().contains(self)) {
      throw new IllegalStateException("a client's " + what + " of " + at.sk() + " as a primary reached " + self
          + " (expected: one of its primaries " + at.pl().primaries() + ")");
    }
    return at.sk();
  }

  /** Reads {@code key}: the merge of R of its N replicas. */
  @Override
  public CompletableFuture<VersionSet> get(String store, byte[] key, int n, int r, Duration timeout) {
    try {
      StorageKey sk = storageKey(store, key);
      return doGet(store, key, sk, membership.ring().preferenceList(sk.partition(), n), r, timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // no ring yet, or a bad argument
    }
  }

  private CompletableFuture<VersionSet> doGet(String store, byte[] key, StorageKey sk, PreferenceList pl, int r,
      Duration timeout) {
    metrics.gets.increment();
    CompletableFuture<VersionSet> result = new CompletableFuture<>();
    Quorum<VersionSet> quorum = new Quorum<>(() -> "get " + sk, r, result, metrics);
    Map<NodeId, VersionSet> replies = new ConcurrentHashMap<>();
    // What this node wrote as a fallback coordinator: the replicas may not have it yet (it waits
    // in hints while the primaries are unreachable), and a read through this node sees it.
    VersionSet own = fallbackActor.heldFor(sk);
    Spares spares = healthyFallbacks(pl);
    Duration attempt = attemptTimeout(timeout, spares);
    List<NodeId> asked = firstAsked(pl, r, spares, quorum);
    quorum.whenSettled(() -> repair(store, key, sk, pl, replies, own, attempt));
    // This node's copy is read first when it is a replica (firstAsked puts it first): the others
    // then need only send a digest of theirs, and the whole set only if that differs.
    Long expected = null;
    for (NodeId target : asked) {
      VersionSet mine = target.equals(self) ? null : replies.get(self);
      if (mine == null) {
        read(quorum, replies, own, store, key, sk, target, spares, attempt);
        continue;
      }
      if (expected == null) {
        expected = SegmentDigest.of(sk, mine); // what a replica holding the same answers
      }
      readDigest(quorum, replies, own, mine, new ReplicaDigest(new ReplicaGet(store, key)), sk, target, spares,
          attempt, expected);
    }
    quorum.cancelOnSettle(scheduler.schedule(timeout, () -> quorum.expire(timeout.toMillis())));
    if (asked.size() < pl.primaries().size()) {
      // Only a replica held back, never a fallback: a fallback answers (with nothing) for a
      // replica that failed, not for one that is merely slow.
      quorum.cancelOnSettle(scheduler.schedule(speculation.delay(attempt), () -> {
        NodeId extra = quorum.isDecided() ? null : spares.pollAhead();
        if (extra != null) {
          metrics.speculativeReads.increment();
          quorum.sent(extra);
          read(quorum, replies, own, store, key, sk, extra, spares, attempt);
        }
      }));
    }
    return result;
  }

  /**
   * How long one replica may take: half the operation's deadline, so that a fallback asked in
   * place of a replica that timed out still has time to answer before the deadline.
   */
  private static Duration attemptTimeout(Duration deadline) {
    return Duration.ofNanos(Math.max(1_000_000, deadline.toNanos() / 2));
  }

  /**
   * As {@link #attemptTimeout(Duration)}, but the whole deadline when no healthy fallback is
   * left to ask (a cluster of N nodes has none): halving it would only fail a replica that is
   * slow, not down, sooner (an fsync can take a large part of a second during a heavy
   * compaction).
   */
  private static Duration attemptTimeout(Duration deadline, Spares spares) {
    return spares.isEmpty() ? deadline : attemptTimeout(deadline);
  }

  private void read(Quorum<VersionSet> quorum, Map<NodeId, VersionSet> replies, VersionSet own, String store,
      byte[] key, StorageKey sk, NodeId target, Spares spares, Duration timeout) {
    if (target.equals(self)) {
      try {
        replies.put(self, storage.get(sk).orElse(VersionSet.EMPTY));
        quorum.succeeded(self, () -> merged(replies).merge(own));
      } catch (RuntimeException e) {
        quorum.failed(self, "local read failed: " + e.getMessage());
      }
      return;
    }
    long sent = health.now();
    transport.request(endpoint(target), new Addressed(target, new ReplicaGet(store, key)), timeout).whenComplete((reply, failure) -> {
      if (failure == null && reply instanceof ReplicaGetReply g) {
        health.markUp(target);
        speculation.observed(health.now() - sent);
        replies.put(target, g.versions());
        quorum.succeeded(target, () -> merged(replies).merge(own));
        return;
      }
      readFailed(quorum, replies, own, store, key, sk, target, spares, timeout, reply, failure, sent);
    });
  }

  /** A replica's read failed: the next healthy node on the ring answers in its place (sloppy quorum for reads too). */
  private void readFailed(Quorum<VersionSet> quorum, Map<NodeId, VersionSet> replies, VersionSet own, String store,
      byte[] key, StorageKey sk, NodeId target, Spares spares, Duration timeout, Message reply, Throwable failure,
      long sent) {
    noteFailure(target, failure, reply, sent);
    NodeId spare = spares.poll();
    if (spare != null) {
      quorum.sent(spare);
      read(quorum, replies, own, store, key, sk, spare, spares, timeout);
    }
    quorum.failed(target, failure != null ? describe(failure) : "unexpected reply " + reply);
  }


  /**
   * Asks {@code target} for the digest of its copy: if it is {@code expected} (the digest of
   * {@code mine}, this node's own copy), the target holds {@code mine} and counts as having sent
   * it; if not, the whole set is read from it, to merge and repair. A target that fails is
   * treated as a failed read: a spare is asked in its place.
   */
  private void readDigest(Quorum<VersionSet> quorum, Map<NodeId, VersionSet> replies, VersionSet own,
      VersionSet mine, ReplicaDigest request, StorageKey sk, NodeId target, Spares spares, Duration timeout,
      long expected) {
    metrics.digestReads.increment();
    long sent = health.now();
    long deadline = sent + timeout.toNanos();
    String store = request.read().store();
    byte[] key = request.read().key().toArray();
    transport.request(endpoint(target), new Addressed(target, request), timeout)
        .whenComplete((reply, failure) -> {
          if (failure == null && reply instanceof SetDigest d) {
            health.markUp(target);
            speculation.observed(health.now() - sent);
            if (d.digest() == expected) {
              replies.put(target, mine);
              quorum.succeeded(target, () -> merged(replies).merge(own));
              return;
            }
            metrics.digestMismatches.increment();
            read(quorum, replies, own, store, key, sk, target, spares,
                Duration.ofNanos(Math.max(1_000_000, deadline - health.now())));
            return;
          }
          readFailed(quorum, replies, own, store, key, sk, target, spares, timeout, reply, failure, sent);
        });
  }

  /**
   * The replicas a read asks first, each marked sent: R replies make the read, so the first R
   * (this node first when it is one: its read sends nothing). The others wait, ahead of the
   * fallbacks, to stand in for one that fails or is slow.
   */
  private List<NodeId> firstAsked(PreferenceList pl, int r, Spares spares, Quorum<?> quorum) {
    List<NodeId> targets = readTargets(pl, spares);
    List<NodeId> asked = targets.subList(0, Math.min(r, targets.size()));
    spares.putAhead(targets.subList(asked.size(), targets.size()));
    asked.forEach(quorum::sent);
    return asked;
  }

  /**
   * The N nodes to read: healthy primaries, and for each primary believed down the next healthy
   * fallback; this node first if it is one.
   */
  private List<NodeId> readTargets(PreferenceList pl, Spares spares) {
    List<NodeId> targets = new ArrayList<>(pl.primaries().size());
    for (NodeId p : pl.primaries()) {
      NodeId spare = health.isUp(p) ? null : spares.poll();
      NodeId target = spare != null ? spare : p;
      if (target.equals(self)) {
        targets.add(0, target);
      } else {
        targets.add(target);
      }
    }
    return targets;
  }

  /** The fallbacks that may stand in for primaries: none with a strict quorum. */
  private Spares healthyFallbacks(PreferenceList pl) {
    return sloppy ? Spares.of(pl.fallbacks(), health::isUp) : Spares.none();
  }

  private static VersionSet merged(Map<NodeId, VersionSet> replies) {
    VersionSet all = VersionSet.EMPTY;
    for (VersionSet v : replies.values()) {
      all = all.merge(v);
    }
    return all;
  }

  /**
   * Sends the merge of every reply, and of what this node wrote as a fallback coordinator, to
   * each primary whose reply lacked part of it.
   */
  private void repair(String store, byte[] key, StorageKey sk, PreferenceList pl, Map<NodeId, VersionSet> replies,
      VersionSet own, Duration timeout) {
    VersionSet all = merged(replies).merge(own);
    replies.forEach((node, held) -> {
      if (!pl.primaries().contains(node) || held.merge(all).equals(held)) {
        return; // a fallback holds hints, not data; or nothing is missing
      }
      metrics.readRepairs.increment();
      if (node.equals(self)) {
        storage.update(sk, actor.mergeInto(all));
      } else {
        long sent = health.now();
        transport.request(endpoint(node), new Addressed(node, new ReplicaPut(store, key, all, Optional.empty())), timeout)
            .whenComplete((r, f) -> noteFailure(node, f, r, sent));
      }
    });
  }

  // ---------------------------------------------------------------- scan

  /**
   * Reads one page of the keys that start with {@code prefix} (a group's: it places them all)
   * after {@code afterKey}: the merge of R of N replicas' pages, each at most {@code limit} keys.
   * Replicas that lack part of the merged page are repaired, as after a get.
   */
  @Override
  public CompletableFuture<PartitionChunk> scan(String store, byte[] prefix, byte[] afterKey, int limit, int n, int r,
      Duration timeout) {
    try {
      StorageKey sk = storageKey(store, prefix);
      return doScan(store, prefix, afterKey, limit, sk, membership.ring().preferenceList(sk.partition(), n), r,
          timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** A page a client sent this node to read with a quorum. */
  CompletableFuture<PartitionChunk> coordinateScan(CoordinateScan c) {
    try {
      Placed at = place(c.store(), c.prefix(), c.n());
      limits.requireKeyLength(c.afterKey().length());
      return doScan(c.store(), at.key(), c.afterKey().toArray(), c.limit(), at.sk(), at.pl(), c.r(),
          Duration.ofMillis(c.timeoutMillis()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<PartitionChunk> doScan(String store, byte[] prefix, byte[] afterKey, int limit,
      StorageKey sk, PreferenceList pl, int r, Duration timeout) {
    metrics.scans.increment();
    CompletableFuture<PartitionChunk> result = new CompletableFuture<>();
    Quorum<PartitionChunk> quorum = new Quorum<>(() -> "scan of " + sk, r, result, metrics);
    Map<NodeId, PartitionChunk> pages = new ConcurrentHashMap<>();
    Spares spares = healthyFallbacks(pl);
    Duration attempt = attemptTimeout(timeout, spares);
    List<NodeId> asked = firstAsked(pl, r, spares, quorum);
    PartitionScan page = PartitionScan.ofPrefix(store, sk.partition(), sk.segment(), prefix, afterKey, limit);
    quorum.whenSettled(() -> repairPage(store, pl, pages, attempt));
    for (NodeId target : asked) {
      scanReplica(quorum, pages, page, target, spares, attempt);
    }
    quorum.cancelOnSettle(scheduler.schedule(timeout, () -> quorum.expire(timeout.toMillis())));
    return result;
  }

  private void scanReplica(Quorum<PartitionChunk> quorum, Map<NodeId, PartitionChunk> pages, PartitionScan page,
      NodeId target, Spares spares, Duration timeout) {
    if (target.equals(self)) {
      try {
        pages.put(self, ScanPages.read(storage, page));
        quorum.succeeded(self, () -> ScanPages.merged(pages.values()));
      } catch (RuntimeException e) {
        quorum.failed(self, "local scan failed: " + e.getMessage());
      }
      return;
    }
    long sent = health.now();
    transport.request(endpoint(target), new Addressed(target, page), timeout).whenComplete((reply, failure) -> {
      if (failure == null && reply instanceof PartitionChunk chunk) {
        health.markUp(target);
        pages.put(target, chunk);
        quorum.succeeded(target, () -> ScanPages.merged(pages.values()));
        return;
      }
      noteFailure(target, failure, reply, sent);
      NodeId spare = spares.poll();
      if (spare != null) {
        quorum.sent(spare);
        scanReplica(quorum, pages, page, spare, spares, timeout);
      }
      quorum.failed(target, failure != null ? describe(failure) : "unexpected reply " + reply);
    });
  }

  /** Sends each primary whose page lacked part of the merged one what it lacked. */
  private void repairPage(String store, PreferenceList pl, Map<NodeId, PartitionChunk> pages, Duration timeout) {
    if (pages.size() < 2) {
      return;
    }
    PartitionChunk all = ScanPages.merged(pages.values());
    pages.forEach((node, held) -> {
      List<KeyedVersions> lacking = pl.primaries().contains(node) ? ScanPages.lacking(held, all) : List.of();
      if (lacking.isEmpty()) {
        return; // a fallback holds hints, not data; or nothing is missing
      }
      metrics.readRepairs.add(lacking.size());
      if (node.equals(self)) {
        lacking.forEach(e -> storage.update(storageKey(store, e.key().toArray()), actor.mergeInto(e.versions())));
      } else {
        long sent = health.now();
        transport.request(endpoint(node), new Addressed(node, new MergeBatch(lacking)), timeout)
            .whenComplete((reply, failure) -> noteFailure(node, failure, reply, sent));
      }
    });
  }

  // ---------------------------------------------------------------- put

  /**
   * Writes {@code value} (or, if empty, a delete) with the client's context {@code seen}: here if
   * this node is in the key's preference list, otherwise through one that is.
   */
  @Override
  public CompletableFuture<VersionSet> put(String store, byte[] key, VersionVector seen, Optional<byte[]> value,
      int n, int w, Duration timeout) {
    try {
      return doPut(store, key, seen, value, Optional.empty(), n, w, timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Applies {@code operation} to the built-in type at {@code key}: at this node if it is a primary,
   * otherwise at one that is, with the same forwarding and fallback rules as a put.
   */
  @Override
  public CompletableFuture<VersionSet> update(String store, byte[] key, byte[] operation, int n, int w,
      Duration timeout) {
    try {
      return doPut(store, key, VersionVector.EMPTY, Optional.empty(), Optional.of(operation), n, w, timeout);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static CoordinatePut message(String store, byte[] key, VersionVector seen, Optional<byte[]> value,
      Optional<byte[]> operation, int n, int w, int timeoutMillis, long writeId) {
    return operation.isPresent() ? CoordinatePut.operation(store, key, operation.get(), n, w, timeoutMillis, writeId)
        : CoordinatePut.of(store, key, seen, value, n, w, timeoutMillis, writeId);
  }

  private CompletableFuture<VersionSet> doPut(String store, byte[] key, VersionVector seen, Optional<byte[]> value,
      Optional<byte[]> operation, int n, int w, Duration timeout) {
    metrics.puts.increment();
    StorageKey sk = storageKey(store, key);
    PreferenceList pl = membership.ring().preferenceList(sk.partition(), n);
    // Chosen once here and carried by every retry: a write that two coordinators apply (the
    // first answered too late) is still one sibling.
    long writeId = nextWriteId();
    if (pl.primaries().contains(self)) {
      return coordinate(store, key, sk, pl, n, seen, value, operation, w, writeId, timeout);
    }
    List<NodeId> candidates = new ArrayList<>(pl.primaries());
    if (sloppy) {
      candidates.removeIf(p -> !health.isUp(p));
      if (candidates.isEmpty()) {
        // Every primary is believed down: the paper's sloppy quorum lets the write go to the
        // next healthy nodes of the ring, coordinated here.
        return coordinateAsFallback(message(store, key, seen, value, operation, n, w, (int) timeout.toMillis(), writeId),
            timeout);
      }
    } else {
      candidates.sort((a, b) -> Boolean.compare(!health.isUp(a), !health.isUp(b))); // healthy first, stable
    }
    CompletableFuture<VersionSet> result = new CompletableFuture<>();
    // Each coordinator tried gets half the deadline, and three quarters of that for its quorum,
    // so that another primary, or this node as a fallback, can still be tried if it does not answer.
    Duration attempt = attemptTimeout(timeout);
    int remoteQuorumMillis = (int) Math.max(1, attempt.toMillis() * 3 / 4);
    forward(message(store, key, seen, value, operation, n, w, remoteQuorumMillis, writeId),
        candidates, 0, new LinkedHashMap<>(), attempt, health.now() + timeout.toNanos(), result);
    return result;
  }

  /**
   * Returns a new write id: unique to this node's run (its incarnation, drawn at random, and a
   * count of its writes, mixed), never 0. Made from the node's identity rather than a random
   * source, so a simulated run replays exactly.
   */
  private long nextWriteId() {
    return io.dynamokv.internal.WriteIds.of(actor.current().incarnation(), writeCount.incrementAndGet());
  }

  /**
   * A put another node, or a client, sent to this one to coordinate; its sizes are checked here.
   * If this node is not one of the key's primaries (the sender's ring differs, or it is a client
   * that does not know the ring), it coordinates as a fallback: it is sent on no further, so
   * nodes that disagree about the ring cannot pass a put around.
   */
  CompletableFuture<VersionSet> coordinateForwarded(CoordinatePut c) {
    Placed at = place(c.store(), c.key(), c.n());
    c.value().or(c::operation).ifPresent(v -> limits.requireValueLength(v.length()));
    if (!at.pl().primaries().contains(self)) {
      return coordinateAsFallback(c, Duration.ofMillis(c.timeoutMillis()));
    }
    return coordinate(c.store(), at.key(), at.sk(), at.pl(), c.n(), c.context(), c.value().map(Bytes::toArray),
        c.operation().map(Bytes::toArray), c.w(), c.writeId(), Duration.ofMillis(c.timeoutMillis()));
  }

  private void forward(CoordinatePut put, List<NodeId> candidates, int next, Map<NodeId, String> failures,
      Duration timeout, long deadlineNanos, CompletableFuture<VersionSet> result) {
    String op = "put " + storageKey(put.store(), put.key().toArray());
    if (next >= candidates.size()) {
      metrics.quorumFailures.increment();
      result.completeExceptionally(new InsufficientReplicasException(op, put.w(), 0, failures));
      return;
    }
    NodeId coordinator = candidates.get(next);
    metrics.putsForwarded.increment();
    long sent = health.now();
    transport.request(endpoint(coordinator), new Addressed(coordinator, put), timeout).whenComplete((reply, failure) -> {
      if (failure == null && reply instanceof CoordinatePutReply r) {
        health.markUp(coordinator);
        result.complete(r.versions());
        return;
      }
      Throwable cause = failure == null ? null : unwrap(failure);
      failures.put(coordinator, cause == null ? "unexpected reply " + reply : describe(cause));
      boolean retriable = put.operation().map(o -> CrdtValues.idempotent(o.toArray())).orElse(true)
          || cause instanceof io.dynamokv.spi.PeerUnreachableException;
      if (retriable && cause instanceof TransportException && !(cause instanceof RemoteFailureException)) {
        // Unreachable (nothing was written) or silent (it may have been): either way another
        // primary coordinates, or this node as a fallback, so a partitioned coordinator cannot
        // make the write fail. In the silent case the write may be applied twice: it carries one
        // write id, so the copies read back as one sibling.
        health.markDown(coordinator, describe(cause), sent);
        long leftNanos = deadlineNanos - health.now();
        // Another primary if it failed fast (refused), so that time remains for a fallback after it.
        boolean anotherPrimary = next + 1 < candidates.size() && leftNanos >= timeout.toNanos() * 3 / 2;
        if (!sloppy || anotherPrimary) {
          forward(put, candidates, next + 1, failures, timeout, deadlineNanos, result);
        } else if (leftNanos > 0) {
          fallBack(put, Duration.ofNanos(leftNanos), failures, result);
        } else {
          metrics.quorumFailures.increment();
          result.completeExceptionally(new InsufficientReplicasException(op, put.w(), 0, failures));
        }
        return;
      }
      if (cause instanceof TransportException && !(cause instanceof RemoteFailureException)) {
        // Silent, and the operation would count twice if another coordinator applied it too.
        health.markDown(coordinator, describe(cause), sent);
      }
      // The coordinator answered that its quorum failed (another would fail alike), or it was
      // silent and the operation is not to be repeated.
      metrics.quorumFailures.increment();
      result.completeExceptionally(new InsufficientReplicasException(op, put.w(), 0, failures));
    });
  }

  /**
   * After no primary could be reached in time: coordinates {@code put} here as a fallback, and
   * completes {@code result} with its outcome; a failure names the primaries tried too.
   */
  private void fallBack(CoordinatePut put, Duration timeout, Map<NodeId, String> failures,
      CompletableFuture<VersionSet> result) {
    coordinateAsFallback(put, timeout).whenComplete((versions, failure) -> {
      if (failure == null) {
        result.complete(versions);
      } else if (unwrap(failure) instanceof InsufficientReplicasException e) {
        Map<NodeId, String> all = new LinkedHashMap<>(failures);
        all.putAll(e.failures());
        result.completeExceptionally(new InsufficientReplicasException(e.operation(), e.required(), e.succeeded(), all));
      } else {
        result.completeExceptionally(unwrap(failure));
      }
    });
  }

  /**
   * Coordinates a put of a key this node is not a primary of (the paper's sloppy quorum when no
   * primary answers; Riak's fallback coordinator). The write is stamped by the
   * {@link FallbackActor}, never by this node's own actor, whose counters come from replicas this
   * node does not hold. It goes to the first N healthy nodes of the extended preference list:
   * each primary believed up, and for each other primary a healthy fallback (this node first),
   * which keeps it as a hint for that primary. Done once W have stored it.
   */
  private CompletableFuture<VersionSet> coordinateAsFallback(CoordinatePut put, Duration timeout) {
    try {
      metrics.putsCoordinatedAsFallback.increment();
      byte[] key = put.key().toArray();
      StorageKey sk = storageKey(put.store(), key);
      PreferenceList pl = membership.ring().preferenceList(sk.partition(), put.n());
      knownStores.admit(put.store());
      long now = clock.currentTimeMillis();
      Optional<byte[]> value = put.value().map(Bytes::toArray);
      Optional<byte[]> operation = put.operation().map(Bytes::toArray);
      VersionSet versions = fallbackActor.apply(sk, fallback -> current -> limits.requireWithinKeyLimits(sk,
          operation.isPresent() ? CrdtValues.apply(current, operation.get(), fallback, now, put.writeId(),
              limits.maxValueBytes())
              : value.isPresent()
              ? current.put(put.context(), fallback, value.get(), now, put.writeId())
              : current.delete(put.context(), fallback, now, put.writeId())));
      CompletableFuture<VersionSet> result = new CompletableFuture<>();
      Quorum<VersionSet> quorum = new Quorum<>(() -> "put " + sk + " coordinated by fallback " + self, put.w(),
          result, metrics);
      Spares spares = healthyFallbacks(pl);
      if (sloppy && !pl.primaries().contains(self) && membership.ring().nodes().contains(self) && health.isUp(self)) {
        spares.takeFirst(self); // the surest fallback: no network between
      }
      Duration attempt = attemptTimeout(timeout, spares);
      Map<NodeId, Optional<NodeId>> targets = new LinkedHashMap<>(); // target -> the primary it stands in for
      for (NodeId p : pl.primaries()) {
        NodeId spare = health.isUp(p) ? null : spares.poll();
        targets.put(spare != null ? spare : p, spare != null ? Optional.of(p) : Optional.empty());
      }
      targets.keySet().forEach(quorum::sent); // all, before this node's own hint may succeed at once
      targets.forEach((target, hintFor) -> send(quorum, put.store(), key, versions, target, hintFor, spares, attempt));
      copyToNewOwners(put.store(), key, sk, pl, put.n(), versions, attempt);
      quorum.cancelOnSettle(scheduler.schedule(timeout, () -> quorum.expire(timeout.toMillis())));
      return result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<VersionSet> coordinate(String store, byte[] key, StorageKey sk, PreferenceList pl,
      int n, VersionVector seen, Optional<byte[]> value, Optional<byte[]> operation, int w, long writeId,
      Duration timeout) {
    CompletableFuture<Void> checked = actorChecked;
    if (!checked.isDone()) {
      return checked.thenCompose(v -> coordinate(store, key, sk, pl, n, seen, value, operation, w, writeId, timeout));
    }
    metrics.putsCoordinated.increment();
    knownStores.admit(store);
    long now = clock.currentTimeMillis();
    Update local = storage.apply(sk, current -> {
      // A client that saw more of this node's events than its replica holds: the replica is
      // older than the actor's history, and its next counter may have been handed out already.
      actor.checkAgainst(current, seen, "the context of a client's write");
      ActorId stamp = actor.current();
      if (operation.isPresent()) {
        // A built-in type: the siblings' states joined, the operation applied under this node's
        // actor, the result the one sibling (the siblings' dots are this replica's own context).
        return limits.requireWithinKeyLimits(sk, CrdtValues.apply(current, operation.get(), stamp, now, writeId,
            limits.maxValueBytes()));
      }
      return limits.requireWithinKeyLimits(sk, value.isPresent()
          ? current.put(seen, stamp, value.get(), now, writeId)
          : current.delete(seen, stamp, now, writeId));
    });
    // Once the write is applied here (its dot is taken), the replicas get it while it becomes
    // durable here: one fsync's wait instead of two in a row. If this node crashes before its
    // fsync, it restarts with a new incarnation, so the dot is never handed out again.
    return local.applied().thenCompose(applied -> replicate(store, key, sk, pl, n, applied, w, timeout, local.durable()));
  }

  /**
   * Sends the coordinator's new set to the other replicas; done once W hold it durably, this node
   * included once {@code localDurable} completes.
   */
  private CompletableFuture<VersionSet> replicate(String store, byte[] key, StorageKey sk, PreferenceList pl,
      int n, VersionSet versions, int w, Duration timeout, CompletableFuture<VersionSet> localDurable) {
    CompletableFuture<VersionSet> result = new CompletableFuture<>();
    Quorum<VersionSet> quorum = new Quorum<>(() -> "put " + sk, w, result, metrics);
    quorum.sent(self);
    Spares spares = healthyFallbacks(pl);
    Duration attempt = attemptTimeout(timeout, spares);
    for (NodeId p : pl.primaries()) {
      if (p.equals(self)) {
        continue;
      }
      NodeId spare = health.isUp(p) ? null : spares.poll();
      if (spare != null) {
        send(quorum, store, key, versions, spare, Optional.of(p), spares, attempt);
      } else {
        send(quorum, store, key, versions, p, Optional.empty(), spares, attempt);
      }
    }
    copyToNewOwners(store, key, sk, pl, n, versions, attempt);
    localDurable.whenComplete((v, t) -> {
      if (t == null) {
        quorum.succeeded(self, () -> versions);
      } else {
        quorum.failed(self, "local write failed: " + describe(t));
      }
    });
    quorum.cancelOnSettle(scheduler.schedule(timeout, () -> quorum.expire(timeout.toMillis())));
    return result;
  }

  /**
   * While the cluster moves to a pending ring, sends the write to the key's replicas in that ring
   * that are not replicas now: they are receiving the partition, and a write they miss here
   * would be missing there once the ring is committed. Not counted toward W.
   */
  private void copyToNewOwners(String store, byte[] key, StorageKey sk, PreferenceList pl, int n, VersionSet versions,
      Duration timeout) {
    Optional<io.dynamokv.internal.ring.Ring> pending = membership.pendingRing();
    if (pending.isEmpty()) {
      return;
    }
    for (NodeId gainer : pending.get().preferenceList(sk.partition(), n).primaries()) {
      if (pl.primaries().contains(gainer)) {
        continue;
      }
      if (gainer.equals(self)) {
        // Not a primary, so a fallback coordinator about to own the key: it has no copy yet.
        metrics.writesToNewOwners.increment();
        storage.update(sk, actor.mergeInto(versions));
        continue;
      }
      Optional<Endpoint> endpoint = membership.endpointOf(gainer);
      if (endpoint.isEmpty()) {
        continue;
      }
      metrics.writesToNewOwners.increment();
      long sent = health.now();
      transport.request(endpoint.get(), new Addressed(gainer, new ReplicaPut(store, key, versions, Optional.empty())),
          timeout)
          .whenComplete((r, f) -> noteFailure(gainer, f, r, sent));
    }
  }

  private void send(Quorum<VersionSet> quorum, String store, byte[] key, VersionSet versions, NodeId target,
      Optional<NodeId> hintFor, Spares spares, Duration timeout) {
    quorum.sent(target);
    if (hintFor.isPresent()) {
      metrics.hintedWrites.increment();
    }
    if (target.equals(self)) {
      // Only a fallback coordinator is among its own targets, as a fallback keeping a hint.
      storage.putHint(hintFor.orElseThrow(), storageKey(store, key), versions).whenComplete((v, failure) -> {
        if (failure == null) {
          quorum.succeeded(self, () -> versions);
        } else {
          quorum.failed(self, "local hint write failed: " + describe(failure));
        }
      });
      return;
    }
    long sent = health.now();
    transport.request(endpoint(target), new Addressed(target, new ReplicaPut(store, key, versions, hintFor)), timeout)
        .whenComplete((reply, failure) -> {
          if (failure == null && reply instanceof Ack) {
            health.markUp(target);
            quorum.succeeded(target, () -> versions);
            return;
          }
          noteFailure(target, failure, reply, sent);
          // Sloppy quorum: the next healthy node on the ring takes the write, as a hint for the
          // node it stands in for. Even after W is reached, so the key keeps N copies.
          NodeId spare = spares.poll();
          if (spare != null) {
            send(quorum, store, key, versions, spare, Optional.of(hintFor.orElse(target)), spares, timeout);
          }
          quorum.failed(target, failure != null ? describe(failure) : "unexpected reply " + reply);
        });
  }

  private void noteFailure(NodeId node, Throwable failure, Message reply, long sentAtNanos) {
    if (failure == null && (reply == null || reply instanceof Ack || reply instanceof ReplicaGetReply)) {
      return;
    }
    metrics.replicaRequestFailures.increment();
    Throwable cause = failure == null ? null : unwrap(failure);
    // A remote failure is the peer's handler saying no; back-pressure is a full link: neither
    // says the peer is down.
    if (cause instanceof TransportException && !(cause instanceof RemoteFailureException)
        && !(cause instanceof PeerBusyException)) {
      health.markDown(node, describe(cause), sentAtNanos);
    }
  }
}
