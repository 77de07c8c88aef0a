package io.dynamokv.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.storage.memory.MemoryStorageEngine;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.CoordinateGet;
import io.dynamokv.internal.wire.CoordinatePut;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.internal.wire.ReplicaPut;
import io.dynamokv.spi.PeerIdentity;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Which requests a node lets the transport serve on an I/O thread, and that they are served. */
class ReplicaServiceTest {

  private static final NodeId SELF = NodeId.of("a");
  private static final KeySpace KEY_SPACE = new KeySpace(16);
  private static final VersionSet VERSIONS =
      VersionSet.EMPTY.put(VersionVector.EMPTY, ActorId.of(NodeId.of("b"), 1), new byte[] {1}, 1);

  private final MemoryStorageEngine storage = new MemoryStorageEngine();
  private final ReplicaService service = serviceOver(storage);

  private static ReplicaService serviceOver(StorageEngine storage) {
    return new ReplicaService(SELF, () -> KEY_SPACE, storage, null, new NodeMetrics(),
        m -> CompletableFuture.failedFuture(new IllegalStateException("no gossip here")),
        new io.dynamokv.internal.Limits(1024, 1 << 20, 64, 4 << 20), new io.dynamokv.internal.KnownStores(storage, 100),
        new io.dynamokv.internal.OwnActor(ActorId.of(SELF, 1), storage, new io.dynamokv.testkit.Simulation(1).scheduler(),
            new java.util.SplittableRandom(1)),
        new io.dynamokv.internal.metrics.Latencies(io.dynamokv.spi.SystemClock.INSTANCE, java.time.Duration.ofMinutes(1), true));
  }

  /**
   * Only requests that queue a storage update, send requests, or just answer: a hinted write is
   * written in place (a blocking RocksDB write) and a read may touch the disk, so both go to the
   * request executor.
   */
  @Test
  void writesWithoutHintsPutsToCoordinateAndPingsAreServedWithoutBlockingAndNothingElse() {
    byte[] key = {7};
    assertThat(service.servesWithoutBlocking(new ReplicaPut("s", key, VERSIONS, Optional.empty()))).isTrue();
    assertThat(service.servesWithoutBlocking(new ReplicaPut("s", key, VERSIONS, Optional.of(SELF))))
        .as("a hint naming this node is a plain write").isTrue();
    assertThat(service.servesWithoutBlocking(new ReplicaPut("s", key, VERSIONS, Optional.of(NodeId.of("c"))))).isFalse();
    assertThat(service.servesWithoutBlocking(new ReplicaGet("s", key))).isFalse();
    assertThat(service.servesWithoutBlocking(new Ping(1))).isTrue();
    assertThat(service.servesWithoutBlocking(CoordinatePut.of("s", key, VersionVector.EMPTY, Optional.of(new byte[] {1}), 3, 2, 1000)))
        .isTrue();
    assertThat(service.servesWithoutBlocking(new CoordinateGet("s", key, 3, 2, 1000))).isFalse();

    assertThat(service.handle(new ReplicaPut("s", key, VERSIONS, Optional.empty())).join()).isEqualTo(new Ack());
    assertThat(storage.get(KEY_SPACE.storageKey("s", key))).contains(VERSIONS);
    assertThat(service.handle(new Ping(5)).join()).isEqualTo(new Pong(5, Optional.of(SELF)));
  }

  /**
   * A forwarded put is answered with the key's context alone, not the values it wrote back to
   * its writer, nor a map's whole state after each operation; an increment with its state, whose
   * count is the answer.
   */
  @Test
  void aForwardedPutIsAnsweredWithItsContextAndAnIncrementWithItsState() {
    byte[] key = {7};
    VersionSet written = VERSIONS.put(VERSIONS.context(), ActorId.of(SELF, 1), new byte[100], 2);
    VersionSet contextOnly = ReplicaService.replyOf(
        CoordinatePut.of("s", key, VERSIONS.context(), Optional.of(new byte[100]), 3, 2, 1000), written);
    assertThat(contextOnly.siblings()).isEmpty();
    assertThat(contextOnly.context()).isEqualTo(written.context());
    byte[] mapOp = io.dynamokv.internal.crdt.CrdtValues.mapUpdate(new io.dynamokv.internal.crdt.MapOps()
        .setRegister(java.util.List.of(new io.dynamokv.internal.crdt.MapState.Field("f",
            io.dynamokv.internal.crdt.MapState.FieldType.REGISTER)), new byte[] {1}));
    assertThat(ReplicaService.replyOf(CoordinatePut.operation("s", key, mapOp, 3, 2, 1000, 9), written).siblings())
        .isEmpty();
    byte[] increment = io.dynamokv.internal.crdt.CrdtValues.increment(1);
    assertThat(ReplicaService.replyOf(CoordinatePut.operation("s", key, increment, 3, 2, 1000, 9), written))
        .isEqualTo(written);
  }

  /**
   * Issue #30, item 3: pages held up to their count of keys whatever their size, so a page of
   * large values outgrew the frame and the partition never moved. Pages are bounded by bytes
   * too, hold one key at least, and together still cover every key once.
   */
  @Test
  void pagesOfLargeValuesAreBoundedByBytesAndCoverEveryKey() {
    int keys = 200;
    for (int i = 0; i < keys; i++) {
      VersionSet large = VersionSet.EMPTY.put(VersionVector.EMPTY, ActorId.of(NodeId.of("b"), 1), new byte[60_000], 1);
      storage.update(io.dynamokv.spi.StorageKey.of("s", 3, 0, ("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
          v -> v.merge(large)).join();
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    Optional<byte[]> after = Optional.empty();
    int pages = 0;
    while (true) {
      io.dynamokv.internal.wire.PartitionChunk chunk = (io.dynamokv.internal.wire.PartitionChunk) service.handle(
          io.dynamokv.internal.wire.PartitionScan.of("s", 3, 0, 1, 0, after, 1000)).join();
      pages++;
      long bytes = chunk.entries().stream()
          .mapToLong(e -> io.dynamokv.internal.wire.MergeBatch.approximateBytes(e.key().length(), e.versions())).sum();
      assertThat(bytes).as("bytes of page %d", pages).isLessThanOrEqualTo(io.dynamokv.internal.wire.MergeBatch.MAX_BYTES);
      assertThat(chunk.entries()).isNotEmpty();
      chunk.entries().forEach(e -> assertThat(seen.add(new String(e.key().toArray(),
          java.nio.charset.StandardCharsets.UTF_8))).isTrue());
      if (chunk.complete()) {
        break;
      }
      after = Optional.of(chunk.entries().get(chunk.entries().size() - 1).key().toArray());
    }
    assertThat(seen).hasSize(keys);
    assertThat(pages).isGreaterThan(1);
    assertThat(io.dynamokv.internal.wire.MergeBatch.split(java.util.Collections.nCopies(200,
        new io.dynamokv.internal.wire.KeyedVersions("s", new byte[] {1}, storage.get(
            io.dynamokv.spi.StorageKey.of("s", 3, 0, "key-1".getBytes(java.nio.charset.StandardCharsets.UTF_8))).orElseThrow()))))
        .as("batches of 200 keys of 60 KB").hasSizeGreaterThan(2)
        .allSatisfy(b -> assertThat(b.entries()).isNotEmpty());
  }

  /**
   * Issue #30, item 7: with mutual TLS any certificate of the cluster's CA could gossip under any
   * node id, and a client's could write replicas. A node now gossips only as the node its
   * certificate names, and a client only asks to coordinate.
   */
  @Test
  void aPeerMaySendOnlyWhatItsCertificateAllows() {
    byte[] key = {9};
    io.dynamokv.internal.wire.GossipDigest asB = new io.dynamokv.internal.wire.GossipDigest(NodeId.of("b"),
        java.util.List.of(), io.dynamokv.internal.ring.RingId.NONE, io.dynamokv.internal.ring.RingId.NONE);
    Optional<PeerIdentity> nodeC = Optional.of(PeerIdentity.node("c"));
    Optional<PeerIdentity> client = Optional.of(PeerIdentity.client("app"));

    assertThat(service.handle(asB, nodeC)).failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(SecurityException.class)
        .withMessageContaining("GOSSIP_DIGEST from b over a connection whose certificate names node c");
    assertThat(service.handle(asB, Optional.of(PeerIdentity.node("b")))).failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("no gossip here"); // believed, and handed to membership

    assertThat(service.handle(new ReplicaPut("s", key, VERSIONS, Optional.empty()), client))
        .failsWithin(java.time.Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(SecurityException.class).withMessageContaining("REPLICA_PUT from client app");
    assertThat(storage.get(KEY_SPACE.storageKey("s", key))).isEmpty();
    assertThat(service.handle(new Ping(3), client).join()).isEqualTo(new Pong(3, Optional.of(SELF)));
    assertThat(service.handle(new ReplicaPut("s", key, VERSIONS, Optional.empty()), nodeC).join()).isEqualTo(new Ack());
  }
}
