package io.dynamokv.internal.coordinator;

import io.dynamokv.NodeId;
import io.dynamokv.internal.KnownStores;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.OwnActor;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.metrics.Latencies;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.CoordinateGet;
import io.dynamokv.internal.wire.CoordinatePut;
import io.dynamokv.internal.wire.CoordinatePutReply;
import io.dynamokv.internal.wire.CoordinateScan;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.internal.wire.GossipDigest;
import io.dynamokv.internal.wire.KeyedVersions;
import io.dynamokv.internal.wire.MergeBatch;
import io.dynamokv.internal.wire.MessageType;
import io.dynamokv.internal.wire.MerkleLeavesReply;
import io.dynamokv.internal.wire.MerkleLeavesRequest;
import io.dynamokv.internal.wire.PartitionScan;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.internal.wire.PrimaryDigest;
import io.dynamokv.internal.wire.PrimaryGet;
import io.dynamokv.internal.wire.ReplicaDigest;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.internal.wire.SetDigest;
import io.dynamokv.internal.wire.ReplicaPut;
import io.dynamokv.internal.wire.WireMessage;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.PeerIdentity;
import io.dynamokv.spi.RequestHandler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Serves what other nodes ask of this one: replica reads and writes (a write with a hint is kept
 * as a hint for its owner), forwarded puts and clients' gets to coordinate, clients' reads of a
 * primary's copy, merge batches (delivered hints, repairs), partition pages and Merkle leaves,
 * store lists, pings, and gossip (handed to membership). Replica writes merge, so a repeated or
 * older write changes nothing. Runs on the transport's request executor, and replica writes
 * without a hint, puts to coordinate, clients' reads answered from memory and pings also on its
 * I/O threads ({@link #servesWithoutBlocking}).
 */
public final class ReplicaService implements RequestHandler {

  private final NodeId self;
  private final java.util.function.Supplier<KeySpace> keySpaces;
  private final java.util.function.Function<WireMessage, CompletableFuture<Message>> gossip;
  private final StorageEngine storage;
  private final Coordinator coordinator;
  private final NodeMetrics metrics;
  private final Limits limits;
  private final KnownStores stores;
  private final OwnActor actor;
  private final Latencies latencies;

  /**
   * @param actor this node's actor: a set merged here that holds more of its events than this
   *     node's replica renews it
   */
  public ReplicaService(NodeId self, java.util.function.Supplier<KeySpace> keySpaces, StorageEngine storage,
      Coordinator coordinator, NodeMetrics metrics,
      java.util.function.Function<WireMessage, CompletableFuture<Message>> gossip, Limits limits,
      KnownStores stores, OwnActor actor, Latencies latencies) {
    this.latencies = latencies;
    this.actor = actor;
    this.limits = limits;
    this.stores = stores;
    this.self = self;
    this.keySpaces = keySpaces;
    this.gossip = gossip;
    this.storage = storage;
    this.coordinator = coordinator;
    this.metrics = metrics;
  }

  /**
   * A replica write without a hint only queues a storage update ({@link StorageEngine#apply}
   * never waits for I/O); a put to coordinate queues its local update and sends requests; a ping
   * only answers: these may be served on an I/O thread. A hinted write is not, as hints are
   * written in place. A client's read of this node's copy is served there only if the storage
   * engine finds it in memory, which {@link #handleWithoutBlocking} learns by reading it.
   */
  @Override
  public boolean servesWithoutBlocking(Message message) {
    WireMessage request = message instanceof Addressed a ? a.message() : (WireMessage) message;
    return switch (request.type()) {
      case PING, COORDINATE_PUT, RING_QUERY -> true;
      case REPLICA_PUT -> ((ReplicaPut) request).hintFor().filter(o -> !o.equals(self)).isEmpty();
      default -> false;
    };
  }

  /**
   * Serves {@code message} if {@code peer} (as its certificate proved it) may send it: a client
   * only asks to coordinate, reads a primary's copy, asks for the ring, and pings; a node gossips
   * only as itself. Without an identity (no TLS) every request is served.
   */
  @Override
  public CompletableFuture<Message> handle(Message message, Optional<PeerIdentity> peer) {
    if (peer.isPresent()) {
      WireMessage request = message instanceof Addressed a ? a.message() : (WireMessage) message;
      Optional<String> refused = refusal(request, peer.get());
      if (refused.isPresent()) {
        return CompletableFuture.failedFuture(new SecurityException(refused.get()));
      }
    }
    return handle(message);
  }

  /**
   * Serves what {@link #servesWithoutBlocking} names, and a client's read of this node's copy of
   * a key, or of its digest, that the storage engine finds in memory: it looks once
   * ({@link StorageEngine#getFromMemory}), and only a read it does not find there goes to the
   * request executor. A request that would be refused is refused here.
   */
  @Override
  public Optional<CompletableFuture<Message>> handleWithoutBlocking(Message message, Optional<PeerIdentity> peer) {
    WireMessage request = message instanceof Addressed a ? a.message() : (WireMessage) message;
    boolean primaryRead = request.type() == MessageType.PRIMARY_GET
        || request.type() == MessageType.PRIMARY_DIGEST;
    if (!primaryRead) {
      return servesWithoutBlocking(message) ? Optional.of(handle(message, peer)) : Optional.empty();
    }
    boolean refused = peer.isPresent() && refusal(request, peer.get()).isPresent()
        || message instanceof Addressed a && !a.to().equals(self);
    if (refused) {
      return Optional.of(handle(message, peer));
    }
    long start = latencies.now();
    Optional<CompletableFuture<Message>> reply = request instanceof PrimaryGet g
        ? coordinator.readAsPrimaryFromMemory(g).map(read -> read.thenApply(ReplicaGetReply::new))
        : coordinator.digestAsPrimaryFromMemory(((PrimaryDigest) request).read()).map(read -> read.thenApply(SetDigest::new));
    return reply.map(r -> latencies.measure(Latencies.Op.REPLICA_GET, storeOf(request), start, r));
  }

  /** Why {@code peer} may not send {@code request}, if it may not. */
  private static Optional<String> refusal(WireMessage request, PeerIdentity peer) {
    if (!peer.node()) {
      return switch (request.type()) {
        case COORDINATE_PUT, COORDINATE_GET, COORDINATE_SCAN, PRIMARY_GET, PRIMARY_DIGEST, RING_QUERY, PING ->
            Optional.empty();
        default -> Optional.of(request.type() + " from client " + peer.name()
            + " (expected: a node's certificate; a client only asks to coordinate, to read a primary's"
            + " copy, and for the ring)");
      };
    }
    NodeId claimed = request instanceof GossipDigest d ? d.from() : request instanceof Gossip g ? g.from() : null;
    if (claimed != null && !claimed.value().equals(peer.name())) {
      return Optional.of(request.type() + " from " + claimed + " over a connection whose certificate names node "
          + peer.name() + " (expected: a node gossips as itself)");
    }
    return Optional.empty();
  }

  @Override
  public CompletableFuture<Message> handle(Message message) {
    try {
      if (message instanceof Addressed a) {
        if (!a.to().equals(self)) {
          // Another node's request: this node may listen at the address that node had.
          return CompletableFuture.failedFuture(new IllegalStateException(
              "request for " + a.to() + " reached " + self + " (expected: " + self + ")"));
        }
        return serve(a.message());
      }
      return serve((WireMessage) message);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<Message> serve(WireMessage request) {
    Latencies.Op measured = switch (request.type()) {
      case COORDINATE_GET -> Latencies.Op.COORDINATE_GET;
      case COORDINATE_PUT -> Latencies.Op.COORDINATE_PUT;
      case REPLICA_GET, REPLICA_DIGEST, PRIMARY_GET, PRIMARY_DIGEST -> Latencies.Op.REPLICA_GET;
      case REPLICA_PUT -> Latencies.Op.REPLICA_PUT;
      default -> null;
    };
    if (measured == null) {
      return serveUnmeasured(request);
    }
    long start = latencies.now();
    CompletableFuture<Message> reply;
    try {
      reply = serveUnmeasured(request);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return latencies.measure(measured, storeOf(request), start, reply);
  }

  private static String storeOf(WireMessage request) {
    if (request instanceof CoordinateGet g) {
      return g.store();
    } else if (request instanceof CoordinatePut p) {
      return p.store();
    } else if (request instanceof ReplicaGet g) {
      return g.store();
    } else if (request instanceof ReplicaDigest g) {
      return g.read().store();
    } else if (request instanceof PrimaryGet g) {
      return g.store();
    } else if (request instanceof PrimaryDigest g) {
      return g.read().store();
    } else if (request instanceof ReplicaPut p) {
      return p.store();
    }
    return "";
  }

  private CompletableFuture<Message> serveUnmeasured(WireMessage request) {
    return switch (request.type()) {
      case GOSSIP_DIGEST, GOSSIP, RING_QUERY -> gossip.apply(request);
      case DROP_STORE -> stores.drop(((io.dynamokv.internal.wire.DropStore) request).store()).thenApply(v -> new Ack());
      case LIST_STORES -> CompletableFuture.completedFuture(
          new io.dynamokv.internal.wire.StoreNames(new java.util.TreeSet<>(storage.stores()).stream().toList()));
      case PING -> CompletableFuture.completedFuture(new Pong(((Ping) request).nonce(), Optional.of(self)));
      case REPLICA_GET -> {
        ReplicaGet g = (ReplicaGet) request;
        VersionSet held = storage.get(keySpaces.get().storageKey(g.store(), g.key().toArray())).orElse(VersionSet.EMPTY);
        yield CompletableFuture.completedFuture(new ReplicaGetReply(held));
      }
      case REPLICA_DIGEST -> {
        ReplicaGet g = ((ReplicaDigest) request).read();
        long digest = storage.digest(keySpaces.get().storageKey(g.store(), g.key().toArray()));
        yield CompletableFuture.completedFuture(new SetDigest(digest));
      }
      case REPLICA_PUT -> replicaPut((ReplicaPut) request, keySpaces.get());
      case COORDINATE_PUT -> {
        CoordinatePut put = (CoordinatePut) request;
        yield coordinator.coordinateForwarded(put).thenApply(written -> new CoordinatePutReply(replyOf(put, written)));
      }
      case COORDINATE_GET -> coordinator.coordinateGet((CoordinateGet) request).thenApply(ReplicaGetReply::new);
      case PRIMARY_GET -> coordinator.readAsPrimary((PrimaryGet) request).thenApply(ReplicaGetReply::new);
      case PRIMARY_DIGEST -> coordinator.digestAsPrimary(((PrimaryDigest) request).read()).thenApply(SetDigest::new);
      case COORDINATE_SCAN -> coordinator.coordinateScan((CoordinateScan) request).thenApply(c -> c);
      case MERGE_BATCH -> {
        List<CompletableFuture<VersionSet>> writes = new ArrayList<>();
        KeySpace keySpace = keySpaces.get();
        List<KeyedVersions> entries = ((MergeBatch) request).entries();
        for (KeyedVersions e : entries) {
          limits.requireStorable(e.store(), e.key().length(), e.versions()); // all checked before any is written
          stores.admit(e.store());
        }
        for (KeyedVersions e : entries) {
          writes.add(storage.update(keySpace.storageKey(e.store(), e.key().toArray()), actor.mergeInto(e.versions())));
        }
        yield CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(v -> new Ack());
      }
      case PARTITION_SCAN -> CompletableFuture.completedFuture(ScanPages.read(storage, (PartitionScan) request));
      case MERKLE_LEAVES_REQUEST -> {
        MerkleLeavesRequest m = (MerkleLeavesRequest) request;
        yield CompletableFuture.completedFuture(new MerkleLeavesReply(storage.merkleLeaves(m.store(), m.partition())));
      }
      default -> CompletableFuture.failedFuture(
          new IllegalArgumentException("request type " + request.type() + " is not served by this node"));
    };
  }

  private CompletableFuture<Message> replicaPut(ReplicaPut p, KeySpace keySpace) {
    byte[] keyBytes = p.key().toArray();
    limits.requireStorable(p.store(), keyBytes.length, p.versions());
    stores.admit(p.store());
    StorageKey key = keySpace.storageKey(p.store(), keyBytes);
    Optional<NodeId> owner = p.hintFor().filter(o -> !o.equals(self));
    if (owner.isPresent()) {
      metrics.hintsStored.increment();
      return storage.putHint(owner.get(), key, p.versions()).thenApply(v -> new Ack());
    }
    return storage.update(key, actor.mergeInto(p.versions())).thenApply(v -> new Ack());
  }

  /**
   * What the reply to a forwarded put carries of the key's set after it: the context, which is all
   * a writer needs to write again, and the siblings only after a counter's increment, whose answer
   * is the new count. Sending the siblings back would return every written value (and a map's or
   * set's whole state after each operation) to the writer, who discards it.
   */
  static VersionSet replyOf(CoordinatePut put, VersionSet written) {
    boolean counted = put.operation().map(op -> CrdtValues.typeOf(op.toArray()) == CrdtValues.Type.COUNTER)
        .orElse(false);
    return counted ? written : VersionSet.of(written.context(), List.of());
  }
}
