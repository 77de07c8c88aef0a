package io.dynamokv.internal.antientropy;

import io.dynamokv.NodeId;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.membership.ClusterView;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.internal.wire.ReplicaPut;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Collects tombstones: for each deleted key of the partitions where this node is the first
 * replica, it asks every other replica for its version set, and only if all N hold exactly this
 * node's deleted set does it replace the tombstones on all of them with the context-only
 * "grave" ({@link VersionSet#collectTombstones()}), which stays small and keeps the key deleted
 * against any older version that arrives later. Never by wall-clock time.
 *
 * <p>Called by {@link AntiEntropy} at the end of each pass; one key at a time.
 */
final class TombstoneCollector {

  private final NodeId self;
  private final ClusterView membership;
  private final StorageEngine storage;
  private final Transport transport;
  private final Predicate<NodeId> isUp;
  private final Function<String, Integer> replicasOf;
  private final Duration timeout;
  private final int maxKeysPerPass;
  final LongAdder collected = new LongAdder();

  TombstoneCollector(NodeContext node, ClusterView membership, Predicate<NodeId> isUp, int maxKeysPerPass) {
    this.self = node.self();
    this.membership = membership;
    this.storage = node.storage();
    this.transport = node.transport();
    this.isUp = isUp;
    this.replicasOf = node.replicasOf();
    this.timeout = node.requestTimeout();
    this.maxKeysPerPass = maxKeysPerPass;
  }

  private record Candidate(StorageKey key, VersionSet versions, List<NodeId> others) {}

  /** Collects what it can now; completes with the number of keys collected. */
  CompletableFuture<Integer> collect() {
    List<Candidate> candidates = new ArrayList<>();
    Ring ring = membership.ring();
    for (String store : storage.stores()) {
      int n = replicasOf.apply(store);
      for (int p = 0; p < ring.partitionCount() && candidates.size() < maxKeysPerPass; p++) {
        if (!ring.owner(p).equals(self)) {
          continue; // the first replica is the owner: no preference list to walk for the others
        }
        List<NodeId> replicas = ring.preferenceList(p, n).primaries();
        if (!replicas.stream().allMatch(isUp)) {
          continue; // one collector per partition; and every replica must be able to confirm
        }
        List<NodeId> others = replicas.subList(1, replicas.size());
        storage.scan(ScanRange.partition(store, p), (k, v) -> {
          if (v.hasOnlyTombstones()) {
            candidates.add(new Candidate(k, v, others));
          }
          return candidates.size() < maxKeysPerPass;
        });
      }
    }
    CompletableFuture<Integer> chain = CompletableFuture.completedFuture(0);
    for (Candidate c : candidates) {
      chain = chain.thenCompose(done -> collect(c).handle((ok, t) -> done + (t == null && ok ? 1 : 0)));
    }
    return chain;
  }

  private CompletableFuture<Boolean> collect(Candidate c) {
    byte[] key = c.key().key();
    List<CompletableFuture<Boolean>> confirmations = new ArrayList<>();
    for (NodeId other : c.others()) {
      confirmations.add(transport.request(membership.endpointOf(other).orElseThrow(),
              new Addressed(other, new ReplicaGet(c.key().store(), key)), timeout)
          .thenApply(reply -> reply instanceof ReplicaGetReply r && r.versions().equals(c.versions())));
    }
    return CompletableFuture.allOf(confirmations.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      if (!confirmations.stream().allMatch(CompletableFuture::join)) {
        return CompletableFuture.completedFuture(false); // some replica lacks it or has more: later
      }
      VersionSet grave = c.versions().collectTombstones();
      List<CompletableFuture<?>> writes = new ArrayList<>();
      writes.add(storage.update(c.key(), current -> current.merge(grave)));
      for (NodeId other : c.others()) {
        writes.add(transport.request(membership.endpointOf(other).orElseThrow(),
            new Addressed(other, new ReplicaPut(c.key().store(), key, grave, Optional.empty())), timeout)
            .thenAccept(ack -> {
              if (!(ack instanceof Ack)) {
                throw new IllegalStateException("unexpected reply " + ack);
              }
            }));
      }
      return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(x -> {
        collected.increment();
        return true;
      });
    });
  }
}
