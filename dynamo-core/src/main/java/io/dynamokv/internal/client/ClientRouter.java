package io.dynamokv.internal.client;

import io.dynamokv.Endpoint;
import io.dynamokv.InsufficientReplicasException;
import io.dynamokv.NodeId;
import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Failures;
import io.dynamokv.internal.ReadSpeculation;
import io.dynamokv.internal.WriteIds;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.Bytes;
import io.dynamokv.internal.wire.CoordinateGet;
import io.dynamokv.internal.wire.CoordinatePut;
import io.dynamokv.internal.wire.CoordinatePutReply;
import io.dynamokv.internal.wire.CoordinateScan;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.internal.wire.PrimaryDigest;
import io.dynamokv.internal.wire.PrimaryGet;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.internal.wire.SetDigest;
import io.dynamokv.internal.wire.WireMessage;
import io.dynamokv.spi.Cancellable;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.RemoteFailureException;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.TransportException;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * Sends each request of a client straight to a node of its key's preference list (the paper's
 * client-driven coordination, section 6.4), which coordinates it as a replica: no second hop. A
 * get first asks R primaries for their copies at once and, if they agree, needs no coordinator
 * at all ({@link #get}).
 *
 * <p>Candidates, in order: the key's primaries the client believes up, then the other nodes in
 * ring order (they coordinate as fallbacks, as a node outside the preference list does), then
 * those believed down. A candidate that cannot be reached, or is silent past its share of the
 * deadline, is marked down and the next is tried, up to the attempt limit and within the
 * request's deadline; each attempt gets half the time left (the last one all of it), and the
 * coordinator three quarters of its attempt for its quorum, so that it answers before the client
 * gives up on it. A coordinator that answers with a failure (its quorum failed, or the request was
 * refused) ends the request: another would fail alike. Every attempt of a write carries one
 * write id, so a write two coordinators both applied reads back as one sibling.
 *
 * <p>Thread-safe; futures complete on transport threads.
 */
final class ClientRouter implements Coordination {

  private final Transport transport;
  private final Scheduler scheduler;
  private final ReadSpeculation speculation = new ReadSpeculation();
  private final RingFollower ring;
  private final ClientHealth health;
  private final int maxAttempts;
  private final long writeIdSeed;
  private final AtomicLong writes = new AtomicLong();
  final LongAdder requests = new LongAdder();
  final LongAdder failovers = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder directReads = new LongAdder();
  final LongAdder directReadsMissed = new LongAdder();

  ClientRouter(Transport transport, Scheduler scheduler, RingFollower ring, ClientHealth health, int maxAttempts,
      long writeIdSeed) {
    this.transport = transport;
    this.scheduler = scheduler;
    this.ring = ring;
    this.health = health;
    this.maxAttempts = maxAttempts;
    this.writeIdSeed = writeIdSeed;
  }

  /**
   * Reads the key from R of its primaries at once, as a coordinator would, without one between:
   * one sends its whole set, the others its digest (the copy moves once, and only one node
   * decodes and encodes it); if every digest is the set's own (the usual case) that set is the
   * read. Otherwise (one is believed down, failed, has not answered in a few usual round trips
   * ({@link ReadSpeculation}), or a digest differs) the read goes through a coordinator in the
   * time left, which merges and repairs. Which primary sends the set follows from the key, so
   * the whole copies spread over the nodes.
   */
  @Override
  public CompletableFuture<VersionSet> get(String store, byte[] key, int n, int r, Duration timeout) {
    requests.increment();
    try {
      ClientRing view = ring.current();
      StorageKey sk = view.ring().keySpace().storageKey(store, key);
      List<NodeId> primaries = view.ring().preferenceList(sk.partition(), n).primaries();
      if (r > primaries.size() || !primaries.subList(0, r).stream().allMatch(health::isUp)) {
        // Some would fail over: a coordinator does that.
        return coordinatedGet(store, key, n, r, timeout, Set.of());
      }
      long deadline = health.now() + timeout.toNanos();
      DirectRead read = new DirectRead(primaries.subList(0, r), Math.floorMod(sk.hashCode(), r), sk);
      PrimaryGet wholeSet = new PrimaryGet(store, key, n);
      PrimaryDigest digest = r > 1 ? new PrimaryDigest(wholeSet) : null;
      // Not Duration.dividedBy: it divides through BigDecimal, a cost every read paid.
      Duration share = Duration.ofNanos(timeout.toNanos() / 2);
      for (int i = 0; i < r; i++) {
        int slot = i;
        NodeId node = read.nodes.get(i);
        Optional<Endpoint> at = view.endpointOf(node);
        if (at.isEmpty()) {
          read.answered(slot, null, new IllegalStateException("no address known for " + node), health.now());
          continue;
        }
        long sent = health.now();
        WireMessage asked = slot == read.whole ? wholeSet : digest;
        transport.request(at.get(), new Addressed(node, asked), share)
            .whenComplete((reply, failure) -> read.answered(slot, reply, failure, sent));
      }
      Cancellable slow = scheduler.schedule(speculation.delay(share), read::tooSlow);
      read.result.whenComplete((v, t) -> slow.cancel());
      return read.result.thenCompose(versions -> versions != null ? CompletableFuture.completedFuture(versions)
          : coordinatedGet(store, key, n, r, Duration.ofNanos(Math.max(1, deadline - health.now())), read.slow));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The replies of one direct read; its result completes with the read set once all are in and
   * every digest is the set's own, or with null (to read through a coordinator) as soon as one
   * fails, a digest differs, or one is later than a few usual round trips.
   */
  private final class DirectRead {
    final List<NodeId> nodes;
    /** The slot of the primary asked for its whole set; the others are asked for its digest. */
    final int whole;
    final StorageKey key;
    final CompletableFuture<VersionSet> result = new CompletableFuture<>();
    /** The primaries that had not answered when the read stopped waiting for them. */
    volatile Set<NodeId> slow = Set.of();
    private final boolean[] answered;
    private final long[] digests;
    private VersionSet set;
    private int pending;
    /** Whether the read has ended (guarded by this): its result is completed once, after it is counted. */
    private boolean ended;

    DirectRead(List<NodeId> nodes, int whole, StorageKey key) {
      this.nodes = nodes;
      this.whole = whole;
      this.key = key;
      this.answered = new boolean[nodes.size()];
      this.digests = new long[nodes.size()];
      this.pending = nodes.size();
    }

    void answered(int slot, Message reply, Throwable failure, long sent) {
      NodeId node = nodes.get(slot);
      boolean ok = failure == null
          && (slot == whole ? reply instanceof ReplicaGetReply : reply instanceof SetDigest);
      if (ok) {
        health.markUp(node);
        speculation.observed(health.now() - sent);
      } else if (failure != null) {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof TransportException && !(cause instanceof RemoteFailureException)) {
          health.markDown(node, Failures.describe(cause), sent);
        } else {
          // Refused: bad input, or the node is not a primary of the key in its ring. Asking for
          // the ring is cheap if it has not moved on (one Ack), and at most one question is out.
          ring.refreshSoon(false);
        }
      }
      synchronized (this) {
        if (ended) {
          return;
        }
        if (ok) {
          answered[slot] = true;
          if (reply instanceof ReplicaGetReply g) {
            set = g.versions();
          } else {
            digests[slot] = ((SetDigest) reply).digest();
          }
          if (--pending > 0) {
            return;
          }
        }
      }
      boolean agree = ok && digestsMatch();
      end(agree ? set : null, agree ? directReads : directReadsMissed);
    }

    /**
     * Ends the read with {@code read} (null: through a coordinator) and counts it in
     * {@code counter}, unless it has ended. Counted first: a caller blocked on the read wakes as
     * its result completes, and may look at the client's metrics before this thread goes on.
     */
    private void end(VersionSet read, LongAdder counter) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      counter.increment();
      result.complete(read);
    }

    /** Whether every digest is the read set's own (as a replica's storage engine digests it; 0 for none). */
    private boolean digestsMatch() {
      if (digests.length == 1) {
        return true;
      }
      long own = SegmentDigest.of(key, set);
      for (int i = 0; i < digests.length; i++) {
        if (i != whole && digests[i] != own) {
          return false;
        }
      }
      return true;
    }

    /** A primary has not answered in a few usual round trips: it may be paused; read through a coordinator. */
    void tooSlow() {
      synchronized (this) {
        if (ended) {
          return;
        }
        Set<NodeId> waitedFor = new HashSet<>();
        for (int i = 0; i < answered.length; i++) {
          if (!answered[i]) {
            waitedFor.add(nodes.get(i));
          }
        }
        slow = waitedFor;
      }
      end(null, directReadsMissed);
    }
  }

  /**
   * Reads through a coordinator: a replica of the key the client believes up, or another node;
   * those in {@code slow} (which did not answer a direct read in time) last.
   */
  private CompletableFuture<VersionSet> coordinatedGet(String store, byte[] key, int n, int r, Duration timeout,
      Set<NodeId> slow) {
    return route("get", store, key, n, r, true, timeout, slow,
        quorumMillis -> new CoordinateGet(store, key, n, r, quorumMillis),
        reply -> reply instanceof ReplicaGetReply g ? g.versions() : null);
  }

  @Override
  public CompletableFuture<VersionSet> put(String store, byte[] key, VersionVector seen, Optional<byte[]> value,
      int n, int w, Duration timeout) {
    requests.increment();
    long writeId = nextWriteId();
    return route("put", store, key, n, w, true, timeout, Set.of(),
        quorumMillis -> CoordinatePut.of(store, key, seen, value, n, w, quorumMillis, writeId), ClientRouter::written);
  }

  @Override
  public CompletableFuture<VersionSet> update(String store, byte[] key, byte[] operation, int n, int w,
      Duration timeout) {
    requests.increment();
    long writeId = nextWriteId();
    // An increment is tried at one node only, unless it could not be sent: a silent coordinator
    // may have applied it, and another would count it again.
    return route("update", store, key, n, w, CrdtValues.idempotent(operation), timeout, Set.of(),
        quorumMillis -> CoordinatePut.operation(store, key, operation, n, w, quorumMillis, writeId),
        ClientRouter::written);
  }

  /** Reads a page of a group's keys through a coordinator: a replica of the group the client believes up, or another node. */
  @Override
  public CompletableFuture<PartitionChunk> scan(String store, byte[] prefix, byte[] afterKey, int limit, int n, int r,
      Duration timeout) {
    requests.increment();
    return route("scan", store, prefix, n, r, true, timeout, Set.of(),
        quorumMillis -> new CoordinateScan(store, Bytes.of(prefix), Bytes.of(afterKey), limit, n, r, quorumMillis),
        reply -> reply instanceof PartitionChunk c ? c : null);
  }

  private static VersionSet written(Message reply) {
    return reply instanceof CoordinatePutReply p ? p.versions() : null;
  }

  /** A client holds no replica: reading one node's copy is a member's diagnostic. */
  @Override
  public CompletableFuture<VersionSet> readReplica(String store, byte[] key, NodeId replica, Duration timeout) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        "ReadOptions.replica(" + replica + ") on a client (expected: a DynamoNode; a client reads with a quorum)"));
  }

  /**
   * Primaries believed up, the other nodes in ring order, then the rest; at most the attempt
   * limit. Those in {@code slow} go after the others believed up.
   */
  private List<NodeId> candidates(ClientRing view, StorageKey sk, int n, Set<NodeId> slow) {
    PreferenceList pl = view.ring().preferenceList(sk.partition(), n);
    List<NodeId> order = new ArrayList<>();
    List<NodeId> later = new ArrayList<>();
    List<NodeId> down = new ArrayList<>();
    // The fallbacks are walked as they are read: stop once enough believed up are found.
    for (List<NodeId> tier : List.of(pl.primaries(), pl.fallbacks())) {
      for (NodeId node : tier) {
        if (order.size() >= maxAttempts) {
          break;
        }
        (!health.isUp(node) ? down : slow.contains(node) ? later : order).add(node);
      }
    }
    order.addAll(later);
    order.addAll(down);
    return order.subList(0, Math.min(maxAttempts, order.size()));
  }

  /**
   * Sends a request about {@code key} to its candidates in turn.
   *
   * @param verb what the request does, for a failure's message
   * @param idempotent whether the request may be sent again after a silent node, which may have
   *     applied it (all but an increment)
   */
  private <T> CompletableFuture<T> route(String verb, String store, byte[] key, int n, int required,
      boolean idempotent, Duration timeout, Set<NodeId> slow, IntFunction<WireMessage> request,
      java.util.function.Function<Message, T> read) {
    try {
      ClientRing view = ring.current();
      StorageKey sk = view.ring().keySpace().storageKey(store, key);
      CompletableFuture<T> result = new CompletableFuture<>();
      attempt(new Request<>(verb, sk, required, candidates(view, sk, n, slow), idempotent,
          health.now() + timeout.toNanos(), request, read), 0, new LinkedHashMap<>(), result);
      return result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One request: what it is, where it may go, until when, and how to read a reply. */
  private record Request<T>(String verb, StorageKey key, int required, List<NodeId> candidates, boolean idempotent,
      long deadlineNanos, IntFunction<WireMessage> message, java.util.function.Function<Message, T> read) {

    /** The failure of this request, naming why each node tried failed (the message made only now). */
    InsufficientReplicasException failure(Map<NodeId, String> failed) {
      return new InsufficientReplicasException(verb + " " + key + " from a client", required, 0, failed);
    }
  }

  private <T> void attempt(Request<T> q, int next, Map<NodeId, String> failed, CompletableFuture<T> result) {
    List<NodeId> candidates = q.candidates();
    long deadlineNanos = q.deadlineNanos();
    long left = deadlineNanos - health.now();
    if (next >= candidates.size() || left <= 0) {
      failures.increment();
      result.completeExceptionally(q.failure(failed));
      return;
    }
    NodeId node = candidates.get(next);
    Optional<Endpoint> at = ring.current().endpointOf(node);
    if (at.isEmpty()) {
      failed.put(node, "no address known (it left)");
      attempt(q, next + 1, failed, result);
      return;
    }
    boolean last = next == candidates.size() - 1;
    Duration share = Duration.ofNanos(last ? left : left / 2);
    int quorumMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, share.toMillis() * 3 / 4));
    long sent = health.now();
    if (next > 0) {
      failovers.increment();
    }
    transport.request(at.get(), new Addressed(node, q.message().apply(quorumMillis)), share).whenComplete((reply, failure) -> {
      T read = failure == null ? q.read().apply(reply) : null;
      if (read != null) {
        health.markUp(node);
        result.complete(read);
        return;
      }
      Throwable cause = failure == null ? null : Failures.cause(failure);
      String why = cause == null ? "unexpected reply " + reply : Failures.describe(cause);
      failed.put(node, why);
      if (cause instanceof RemoteFailureException remote && !elsewhere(remote, node)) {
        // The coordinator answered: its quorum failed, or it refused the request. Another would
        // fail alike; and a refusal (bad input) is the caller's to see.
        health.markUp(node);
        failures.increment();
        result.completeExceptionally(q.failure(failed));
        return;
      }
      if (cause instanceof TransportException && !(cause instanceof RemoteFailureException)) {
        health.markDown(node, why, sent);
        if (!q.idempotent() && !(cause instanceof io.dynamokv.spi.PeerUnreachableException)) {
          failures.increment(); // it may have been applied: another attempt could apply it twice
          result.completeExceptionally(q.failure(failed));
          return;
        }
      }
      // Unreachable or silent (a silent one may have applied the write: the next attempt carries
      // the same write id), or another node listens at its address now: the ring is stale.
      ring.refreshSoon(cause instanceof RemoteFailureException);
      attempt(q, next + 1, failed, result);
    });
  }

  /**
   * Whether a node's failure says to ask another node rather than that the request failed: the
   * node is shutting down, or another node listens at its address now (the client's ring is stale).
   * Said in the failure's text, the only form a failure has on the wire.
   */
  private static boolean elsewhere(RemoteFailureException failure, NodeId node) {
    String why = failure.remoteMessage();
    return why.contains("request for " + node + " reached") || why.contains("the node is shutting down");
  }

  private long nextWriteId() {
    return WriteIds.of(writeIdSeed, writes.incrementAndGet());
  }
}
