package io.dynamokv.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Codec;
import io.dynamokv.ConflictResolver;
import io.dynamokv.Context;
import io.dynamokv.GetResult;
import io.dynamokv.InsufficientReplicasException;
import io.dynamokv.NodeId;
import io.dynamokv.ReadOptions;
import io.dynamokv.Replication;
import io.dynamokv.Store;
import io.dynamokv.WriteOptions;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data path's scenarios, written once and run over every transport: the simulated network
 * (virtual time, seeded) and Netty with RocksDB on loopback. Five nodes, N=3, R=2, W=2.
 */
public abstract class ClusterScenarios {

  protected static final String STORE = "carts";
  protected ClusterHarness cluster;

  protected abstract ClusterHarness newCluster() throws Exception;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = newCluster();
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  // ---- helpers

  protected Store<String> store(NodeId via) {
    return cluster.node(via).store(STORE, Codec.utf8());
  }

  protected Store<String> cartStore(NodeId via) {
    ConflictResolver<String> mergeCarts = ClusterScenarios::union;
    return cluster.node(via).store(STORE, Codec.utf8(), mergeCarts);
  }

  /** The cart's merge: the union of the items, sorted. */
  protected static String union(List<String> carts) {
    return carts.stream().flatMap(c -> Arrays.stream(c.split(","))).filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(","));
  }

  protected GetResult<String> get(Store<String> s, String key) {
    return cluster.await(s.getAsync(key));
  }

  protected GetResult<String> get(Store<String> s, String key, ReadOptions options) {
    return cluster.await(s.getAsync(key, options));
  }

  protected Context put(Store<String> s, String key, Context ctx, String value) {
    return cluster.await(s.putAsync(key, ctx, value));
  }

  protected Throwable failureOf(java.util.concurrent.CompletableFuture<?> f) {
    try {
      cluster.await(f);
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  protected VersionSet held(NodeId node, String key) {
    return cluster.storage(node).get(cluster.keySpace().storageKey(STORE, key.getBytes(StandardCharsets.UTF_8))).orElse(VersionSet.EMPTY);
  }

  protected static List<String> valuesOf(VersionSet v) {
    List<String> out = new ArrayList<>();
    v.values().forEach(s -> out.add(new String(s.value(), StandardCharsets.UTF_8)));
    return out;
  }

  // ---- scenarios

  @Test
  void aWriteIsReadBackFromAnyNodeAndReadModifyWriteMakesNoSiblings() {
    List<NodeId> nodes = cluster.nodes();
    assertThat(get(store(nodes.get(0)), "alice").isAbsent()).isTrue();
    Context ctx = put(store(nodes.get(0)), "alice", Context.EMPTY, "milk");
    for (NodeId n : nodes) {
      assertThat(get(store(n), "alice").values()).containsExactly("milk");
    }
    for (int i = 0; i < 10; i++) {
      GetResult<String> read = get(store(nodes.get(i % nodes.size())), "alice");
      put(store(nodes.get((i + 2) % nodes.size())), "alice", read.context(), read.value().orElseThrow() + ",x" + i);
    }
    GetResult<String> last = get(store(nodes.get(3)), "alice");
    assertThat(last.values()).hasSize(1);
    assertThat(last.value().orElseThrow()).endsWith(",x9");
    assertThat(ctx).isNotEqualTo(Context.EMPTY);
  }

  /**
   * A client outside the cluster writes through one node (CoordinatePut) and reads through
   * another (CoordinateGet): the put is coordinated by a replica, the get reads R of N and
   * returns the merged set, and a read of a key never written is the empty set.
   */
  @Test
  void aClientOutsideTheClusterWritesAndReadsThroughAnyNode() {
    List<NodeId> nodes = cluster.nodes();
    byte[] key = "dave".getBytes(StandardCharsets.UTF_8);
    var written = cluster.await(cluster.sendFromClient(nodes.get(0), io.dynamokv.internal.wire.CoordinatePut.of(STORE, key,
        io.dynamokv.spi.version.VersionVector.EMPTY, java.util.Optional.of("milk".getBytes(StandardCharsets.UTF_8)),
        3, 2, 2000)));
    VersionSet replied = ((io.dynamokv.internal.wire.CoordinatePutReply) written).versions();
    assertThat(replied.siblings()).as("the writer gets its context back, not its value").isEmpty();
    var read = cluster.await(cluster.sendFromClient(nodes.get(nodes.size() - 1),
        new io.dynamokv.internal.wire.CoordinateGet(STORE, key, 3, 2, 2000)));
    VersionSet stored = ((io.dynamokv.internal.wire.ReplicaGetReply) read).versions();
    assertThat(valuesOf(stored)).containsExactly("milk");
    assertThat(stored.context()).isEqualTo(replied.context());
    assertThat(get(store(nodes.get(1)), "dave").values()).containsExactly("milk");
    var absent = cluster.await(cluster.sendFromClient(nodes.get(1),
        new io.dynamokv.internal.wire.CoordinateGet(STORE, "nobody".getBytes(StandardCharsets.UTF_8), 3, 2, 2000)));
    assertThat(((io.dynamokv.internal.wire.ReplicaGetReply) absent).versions()).isEqualTo(VersionSet.EMPTY);
  }

  /**
   * A set of 2,500 elements, more than two pages: each element under a key of its own, placed by
   * the set's key, written through every node; read back whole through every node (pages of a
   * prefix from two replicas), and a page read by a client through a node (CoordinateScan).
   */
  @Test
  void aSetIsReadBackInPagesThroughAnyNodeAndAClient() {
    List<NodeId> nodes = cluster.nodes();
    List<java.util.concurrent.CompletableFuture<Void>> adds = new ArrayList<>();
    for (int i = 0; i < 2_500; i++) {
      adds.add(cluster.node(nodes.get(i % nodes.size())).sets("tags", Codec.utf8()).addAsync("big", "t" + i));
    }
    adds.forEach(cluster::await);
    for (NodeId n : nodes) {
      Set<String> read = cluster.await(cluster.node(n).sets("tags", Codec.utf8()).getAsync("big")).elements();
      assertThat(read).hasSize(2_500).contains("t0", "t2499");
    }
    byte[] prefix = io.dynamokv.internal.ring.GroupedKey.prefix("big".getBytes(StandardCharsets.UTF_8));
    var page = (io.dynamokv.internal.wire.PartitionChunk) cluster.await(cluster.sendFromClient(nodes.get(1),
        new io.dynamokv.internal.wire.CoordinateScan("tags", io.dynamokv.internal.wire.Bytes.of(prefix),
            io.dynamokv.internal.wire.Bytes.of(prefix), 1_000, 3, 2, 2000)));
    assertThat(page.entries()).hasSize(1_000);
    assertThat(page.complete()).isFalse();
    assertThat(page.entries()).allSatisfy(e -> assertThat(Arrays.equals(e.key().toArray(), 0, prefix.length, prefix, 0,
        prefix.length)).isTrue());
  }

  /**
   * Issue #30, item 2: the value limit was checked only in Store; a value far over it sent as a
   * CoordinatePut, a ReplicaPut or a MergeBatch was stored, after which its partition could no
   * longer be moved. Every path refuses it before anything is written.
   */
  @Test
  void aValueOverTheLimitIsRefusedOnEveryPathThatStoresOne() {
    PreferenceList pl = cluster.preferenceList("huge");
    NodeId replica = pl.primaries().get(0);
    byte[] key = "huge".getBytes(StandardCharsets.UTF_8);
    byte[] tooLarge = new byte[65536 + 1]; // the clusters' maxValueBytes is 65536
    VersionSet oversized = VersionSet.EMPTY.put(VersionVector.EMPTY,
        io.dynamokv.spi.version.ActorId.of(NodeId.of("client"), 1), tooLarge, 1);
    VersionSet small = VersionSet.EMPTY.put(VersionVector.EMPTY,
        io.dynamokv.spi.version.ActorId.of(NodeId.of("client"), 1), new byte[10], 1);
    List<io.dynamokv.spi.Message> paths = List.of(
        io.dynamokv.internal.wire.CoordinatePut.of(STORE, key, VersionVector.EMPTY, java.util.Optional.of(tooLarge), 3, 2, 2000),
        new io.dynamokv.internal.wire.ReplicaPut(STORE, key, oversized, java.util.Optional.empty()),
        new io.dynamokv.internal.wire.ReplicaPut(STORE, key, oversized, java.util.Optional.of(pl.primaries().get(1))),
        new io.dynamokv.internal.wire.MergeBatch(List.of(
            new io.dynamokv.internal.wire.KeyedVersions(STORE, "other".getBytes(StandardCharsets.UTF_8), small),
            new io.dynamokv.internal.wire.KeyedVersions(STORE, key, oversized))));
    for (io.dynamokv.spi.Message m : paths) {
      assertThat(failureOf(cluster.sendFromClient(replica, m))).as("%s", m.getClass().getSimpleName())
          .hasMessageContaining("value length : 65537 bytes").hasMessageContaining("expected: <= maxValueBytes = 65536");
    }
    for (NodeId n : cluster.nodes()) {
      assertThat(held(n, "huge").isEmpty()).as("huge on %s", n).isTrue();
      assertThat(held(n, "other").isEmpty()).as("the batch's other key on %s", n).isTrue();
      assertThat(cluster.storage(n).hints(pl.primaries().get(1), 10)).isEmpty();
    }
  }

  /**
   * Issue #23, item 7: blind writes to one key grew its siblings until the set outgrew a frame;
   * the coordinator kept what its replicas could not. A write that would cross the key's
   * sibling limit is refused before anything is written anywhere.
   */
  @Test
  void aWriteThatWouldCrossTheSiblingLimitIsRefusedEverywhere() {
    PreferenceList pl = cluster.preferenceList("crowd");
    Store<String> s = store(pl.primaries().get(0));
    for (int i = 0; i < 64; i++) { // maxSiblings: 64 by default
      cluster.await(s.putAsync("crowd", Context.EMPTY, "v" + i, WriteOptions.defaults().withW(3)));
    }
    assertThat(failureOf(s.putAsync("crowd", Context.EMPTY, "v64"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would hold 65 siblings (expected: <= maxSiblings = 64)");
    for (NodeId replica : pl.primaries()) {
      assertThat(held(replica, "crowd").values()).as("on %s", replica).hasSize(64);
    }
    // Writing with the read's context merges them into one.
    GetResult<String> read = get(s, "crowd");
    put(s, "crowd", read.context(), "merged");
    assertThat(get(s, "crowd").values()).containsExactly("merged");
  }

  /**
   * Issue #31, item 3: when a forwarded put timed out and another primary coordinated it, the
   * value was stored twice, as two identical siblings. A write carries one id on every retry,
   * and its copies collapse into one sibling.
   */
  @Test
  void aWriteCoordinatedTwiceReadsBackAsOneSibling() {
    PreferenceList pl = cluster.preferenceList("eve");
    NodeId via = cluster.nodes().stream().filter(n -> !pl.primaries().contains(n)).findFirst().orElseThrow();
    NodeId first = pl.primaries().get(0); // all are healthy: the first one tried
    cluster.slow(first, Duration.ofSeconds(3)); // it applies the write, but answers too late
    Store<String> s = store(via);
    put(s, "eve", Context.EMPTY, "apples");
    cluster.heal();
    cluster.pass(Duration.ofSeconds(5));
    assertThat(get(s, "eve", ReadOptions.defaults().withR(3)).values()).containsExactly("apples");
    for (NodeId replica : pl.primaries()) {
      assertThat(valuesOf(held(replica, "eve"))).as("on %s", replica).containsExactly("apples");
    }
  }

  /** Invariant 2: two writers with the same context both survive, also through one coordinator. */
  @Test
  void concurrentWritesWithTheSameContextBecomeSiblings() {
    PreferenceList pl = cluster.preferenceList("bob");
    NodeId coordinator = pl.primaries().get(0);
    Context ctx = put(store(coordinator), "bob", Context.EMPTY, "milk");
    put(store(coordinator), "bob", ctx, "milk,eggs");
    put(store(coordinator), "bob", ctx, "milk,bread");
    GetResult<String> read = get(store(pl.primaries().get(1)), "bob");
    assertThat(read.values()).containsExactlyInAnyOrder("milk,eggs", "milk,bread");
    // Invariant 3: a put with that read's context replaces exactly those siblings.
    put(store(pl.primaries().get(2)), "bob", read.context(), "bread,eggs,milk");
    assertThat(get(store(coordinator), "bob").values()).containsExactly("bread,eggs,milk");
  }

  @Test
  void aResolverMergesSiblingsAndTheNextWriteSupersedesThem() {
    List<NodeId> nodes = cluster.nodes();
    put(store(nodes.get(0)), "carol", Context.EMPTY, "milk");
    put(store(nodes.get(1)), "carol", Context.EMPTY, "eggs"); // blind: concurrent with the first
    GetResult<String> merged = get(cartStore(nodes.get(2)), "carol");
    assertThat(merged.values()).containsExactly("eggs,milk");
    put(cartStore(nodes.get(3)), "carol", merged.context(), merged.value().orElseThrow());
    assertThat(get(store(nodes.get(4)), "carol").values()).containsExactly("eggs,milk");
  }

  /** Sloppy quorum: with one, then two primaries down, W=2 still succeeds through hinted fallbacks. */
  @Test
  void writesSucceedWithReplicasDownAndFallbacksHoldHints() {
    PreferenceList pl = cluster.preferenceList("dave");
    NodeId coordinator = pl.primaries().get(0);
    cluster.kill(pl.primaries().get(2));
    Context ctx = put(store(coordinator), "dave", Context.EMPTY, "one");
    cluster.kill(pl.primaries().get(1));
    put(store(coordinator), "dave", ctx, "two");
    assertThat(get(store(coordinator), "dave").values()).containsExactly("two");
    long hintsHeld = pl.fallbacks().stream()
        .mapToLong(f -> cluster.storage(f).hints(pl.primaries().get(1), 100).size()
            + cluster.storage(f).hints(pl.primaries().get(2), 100).size())
        .sum();
    assertThat(hintsHeld).as("hints held by the fallbacks %s", pl.fallbacks()).isPositive();
  }

  /**
   * Issue #23, item 1 (the paper's sloppy quorum): a minority holding none of a key's primaries
   * kept refusing its writes. Now a fallback coordinates them under an actor of its own, a read
   * through it sees them, and after the heal the primaries hold every acknowledged write: the
   * minority's updates and delete supersede what they read, and stand beside a concurrent write
   * of the majority, neither side dominating the other.
   */
  @Test
  void aMinorityWithNoPrimaryKeepsWritingAndTheHealLosesNothing() {
    PreferenceList pl = cluster.preferenceList("ivan");
    NodeId via = pl.fallbacks().get(0);
    String deleted = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "judy-" + i)
        .filter(k -> Set.copyOf(cluster.preferenceList(k).primaries()).equals(Set.copyOf(pl.primaries())))
        .findFirst().orElseThrow();
    NodeId primary = pl.primaries().get(0);
    put(store(primary), "ivan", Context.EMPTY, "before");
    put(store(primary), deleted, Context.EMPTY, "doomed");
    Context seen = get(store(via), "ivan").context();
    Context judy = get(store(via), deleted).context();
    cluster.partition(Set.copyOf(pl.primaries()), Set.copyOf(pl.fallbacks()));

    Context ctx = put(store(via), "ivan", seen, "one");
    put(store(via), "ivan", ctx, "two");
    cluster.await(store(via).deleteAsync(deleted, judy));
    put(store(primary), "ivan", seen, "majority");
    assertThat(get(store(via), "ivan").values()).as("read through the minority").containsExactly("two");
    assertThat(get(store(via), deleted).values()).isEmpty();
    assertThat(cluster.node(via).metrics().get("puts.coordinated.as.fallback")).isGreaterThanOrEqualTo(3);

    cluster.heal();
    // Two nodes held the hints (W=2): they reach two primaries, and a read of all three the third.
    cluster.awaitCondition(() -> pl.fallbacks().stream().allMatch(f -> cluster.storage(f).hintTargets().isEmpty()),
        Duration.ofSeconds(60));
    ReadOptions all = ReadOptions.defaults().withR(3);
    assertThat(get(store(primary), "ivan", all).values()).containsExactlyInAnyOrder("majority", "two");
    assertThat(get(store(primary), deleted, all).values()).isEmpty();
    cluster.awaitCondition(() -> pl.primaries().stream().allMatch(p ->
        new TreeSet<>(valuesOf(held(p, "ivan"))).equals(new TreeSet<>(List.of("majority", "two")))
            && held(p, deleted).isDeleted() && !held(p, deleted).isEmpty()), Duration.ofSeconds(30));
  }

  /**
   * Issue #23, item 1: a fallback's hints are delivered and deleted, so counters taken from them
   * would be handed out again, and a second write stamped with the first one's dot would vanish
   * at the primaries. Two blind writes through one fallback, in two partitions with a heal and a
   * hint delivery between, both survive.
   */
  @Test
  void aFallbackNeverReusesADotAfterItsHintsWereDelivered() {
    PreferenceList pl = cluster.preferenceList("kate");
    NodeId via = pl.fallbacks().get(0);
    for (String value : List.of("first", "second")) {
      cluster.partition(Set.copyOf(pl.primaries()), Set.copyOf(pl.fallbacks()));
      put(store(via), "kate", Context.EMPTY, value);
      cluster.heal();
      cluster.awaitCondition(() -> pl.fallbacks().stream().allMatch(f -> cluster.storage(f).hintTargets().isEmpty()),
          Duration.ofSeconds(60));
    }
    assertThat(get(store(pl.primaries().get(0)), "kate", ReadOptions.defaults().withR(3)).values())
        .containsExactlyInAnyOrder("first", "second");
  }

  /**
   * Issue #30, item 6: every store name was permanent state on every replica. A dropped store is
   * gone from every node (data, hints, name); a node that does not answer is named, and the drop
   * can be repeated once it is back.
   */
  @Test
  void aDroppedStoreIsGoneFromEveryNode() {
    Store<String> temp = cluster.node(cluster.nodes().get(0)).store("temp", Codec.utf8());
    for (int i = 0; i < 20; i++) {
      cluster.await(temp.putAsync("k" + i, Context.EMPTY, "v"));
    }
    NodeId down = cluster.nodes().get(4);
    cluster.kill(down);
    cluster.await(temp.putAsync("hinted", Context.EMPTY, "v")); // some of these become hints
    Throwable failure = failureOf(cluster.node(cluster.nodes().get(1)).dropStoreAsync("temp"));
    assertThat(failure).isInstanceOf(InsufficientReplicasException.class).hasMessageContaining(down.value());
    cluster.restart(down);
    cluster.await(cluster.node(cluster.nodes().get(1)).dropStoreAsync("temp"));
    for (NodeId n : cluster.nodes()) {
      assertThat(cluster.storage(n).stores()).as("stores of %s", n).doesNotContain("temp");
      for (NodeId target : cluster.storage(n).hintTargets()) {
        assertThat(cluster.storage(n).hints(target, 1000)).extracting(h -> h.key().store()).doesNotContain("temp");
      }
    }
    assertThat(get(cluster.node(cluster.nodes().get(2)).store("temp", Codec.utf8()), "k3").values()).isEmpty();
    assertThat(failureOf(cluster.node(cluster.nodes().get(0)).dropStoreAsync("")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withTooFewNodesAliveAWriteFailsNamingRequiredAckedAndEachFailure() {
    PreferenceList pl = cluster.preferenceList("erin");
    NodeId coordinator = pl.primaries().get(0);
    cluster.kill(pl.primaries().get(1));
    cluster.kill(pl.primaries().get(2));
    cluster.kill(pl.fallbacks().get(0));
    // Two nodes left: W=2 succeeds (with a hint), W=3 cannot.
    put(store(coordinator), "erin", Context.EMPTY, "ok");
    Throwable failure = failureOf(store(coordinator).putAsync("erin", Context.EMPTY, "too much",
        WriteOptions.defaults().withW(3)));
    assertThat(failure).isInstanceOf(InsufficientReplicasException.class);
    InsufficientReplicasException e = (InsufficientReplicasException) failure;
    assertThat(e.required()).isEqualTo(3);
    assertThat(e.succeeded()).isEqualTo(2);
    assertThat(e.failures()).isNotEmpty();
    assertThat(e.getMessage()).contains("2 of 3 required replicas succeeded");
  }

  /** Invariant 5: the hint reaches its owner once it is back, and is then deleted. */
  @Test
  void hintsAreDeliveredWhenTheOwnerComesBack() {
    PreferenceList pl = cluster.preferenceList("frank");
    NodeId owner = pl.primaries().get(1);
    cluster.kill(owner);
    put(store(pl.primaries().get(0)), "frank", Context.EMPTY, "hinted");
    // W was met without the owner; a fallback takes its copy as a hint in the background.
    cluster.awaitCondition(() -> pl.fallbacks().stream().anyMatch(f -> !cluster.storage(f).hints(owner, 10).isEmpty()),
        Duration.ofSeconds(30));
    cluster.restart(owner);
    cluster.awaitCondition(() -> valuesOf(held(owner, "frank")).contains("hinted"), Duration.ofSeconds(30));
    cluster.awaitCondition(() -> pl.fallbacks().stream().allMatch(f -> cluster.storage(f).hints(owner, 10).isEmpty()),
        Duration.ofSeconds(30));
    // The counter moves once the removals are durable, a moment after they are visible.
    cluster.awaitCondition(() -> pl.fallbacks().stream()
        .mapToLong(f -> cluster.node(f).metrics().get("hints.delivered")).sum() > 0, Duration.ofSeconds(30));
  }

  /** Invariant 5: a hint survives the restart of the fallback that holds it. */
  @Test
  void hintsSurviveTheFallbacksRestart() {
    PreferenceList pl = cluster.preferenceList("grace");
    NodeId owner = pl.primaries().get(2);
    cluster.kill(owner);
    put(store(pl.primaries().get(0)), "grace", Context.EMPTY, "kept");
    // W was met by two primaries; the fallback takes its hinted copy in the background.
    cluster.awaitCondition(() -> pl.fallbacks().stream().anyMatch(f -> !cluster.storage(f).hints(owner, 10).isEmpty()),
        Duration.ofSeconds(30));
    NodeId holder = pl.fallbacks().stream().filter(f -> !cluster.storage(f).hints(owner, 10).isEmpty())
        .findFirst().orElseThrow(() -> new AssertionError("no fallback holds a hint for " + owner));
    cluster.kill(holder);
    cluster.restart(holder);
    assertThat(cluster.storage(holder).hints(owner, 10)).hasSize(1);
    cluster.restart(owner);
    cluster.awaitCondition(() -> valuesOf(held(owner, "grace")).contains("kept"), Duration.ofSeconds(30));
  }

  @Test
  void aReadRepairsAStaleReplica() {
    PreferenceList pl = cluster.preferenceList("heidi");
    NodeId stale = pl.primaries().get(2);
    // Cut the stale replica and the fallbacks off, so no hint is written: only repair can fix it.
    Set<NodeId> others = new java.util.HashSet<>(cluster.nodes());
    others.remove(stale);
    pl.fallbacks().forEach(others::remove);
    Set<NodeId> cutOff = new java.util.HashSet<>(pl.fallbacks());
    cutOff.add(stale);
    cluster.partition(others, cutOff);
    put(store(pl.primaries().get(0)), "heidi", Context.EMPTY, "fresh");
    // Stay partitioned until the coordinator has tried the replica and both fallbacks (each a
    // request timeout), so that no hint is ever written.
    cluster.pass(Duration.ofSeconds(7));
    cluster.heal();
    cluster.pass(Duration.ofSeconds(3)); // probes see everyone up again
    assertThat(valuesOf(held(stale, "heidi"))).isEmpty();
    // A read asks R = 2 replicas, the coordinator first: through the stale one, it asks itself.
    assertThat(get(store(stale), "heidi").values()).containsExactly("fresh");
    cluster.awaitCondition(() -> valuesOf(held(stale, "heidi")).contains("fresh"), Duration.ofSeconds(30));
    assertThat(cluster.node(stale).metrics().get("read.repairs")).isPositive();
    // Its own copy was empty, so the other replica's digest differed and its whole set was read.
    assertThat(cluster.node(stale).metrics().get("reads.digest.mismatches")).isPositive();
  }

  /** A coordinator that is a replica reads its own copy and only a digest of the others'. */
  @Test
  void aReadThroughAReplicaInSyncMovesOnlyItsDigests() {
    PreferenceList pl = cluster.preferenceList("ivan");
    NodeId coordinator = pl.primaries().get(0);
    put(store(coordinator), "ivan", Context.EMPTY, "cart");
    cluster.awaitCondition(() -> pl.primaries().stream().allMatch(n -> valuesOf(held(n, "ivan")).contains("cart")),
        Duration.ofSeconds(30));
    java.util.Map<String, Long> before = cluster.node(coordinator).metrics();
    assertThat(get(store(coordinator), "ivan").values()).containsExactly("cart");
    java.util.Map<String, Long> after = cluster.node(coordinator).metrics();
    assertThat(after.get("reads.digest") - before.get("reads.digest")).as("R - 1 replicas asked for a digest")
        .isEqualTo(1);
    assertThat(after.get("reads.digest.mismatches")).isEqualTo(before.get("reads.digest.mismatches"));
    assertThat(after.get("read.repairs")).isEqualTo(before.get("read.repairs"));
  }

  /** Invariant 7 (first half): a delete hides the key; a write it did not see survives it. */
  @Test
  void deletesHideTheKeyButNotWritesTheyDidNotSee() {
    List<NodeId> nodes = cluster.nodes();
    Context ctx = put(store(nodes.get(0)), "ivan", Context.EMPTY, "milk");
    cluster.await(store(nodes.get(1)).deleteAsync("ivan", ctx));
    GetResult<String> gone = get(store(nodes.get(2)), "ivan");
    assertThat(gone.isAbsent()).isTrue();
    put(store(nodes.get(3)), "ivan", gone.context(), "back");
    assertThat(get(store(nodes.get(4)), "ivan").values()).containsExactly("back");

    Context seen = get(store(nodes.get(0)), "judy").context();
    put(store(nodes.get(0)), "judy", seen, "a");
    Context before = put(store(nodes.get(0)), "judy", Context.EMPTY, "concurrent");
    cluster.await(store(nodes.get(1)).deleteAsync("judy", Context.EMPTY)); // saw nothing
    assertThat(get(store(nodes.get(2)), "judy").values()).contains("a", "concurrent");
    assertThat(before).isNotNull();
  }

  /** A slow replica never holds up a request that already has its R or W; deadlines bound the rest. */
  @Test
  void aSlowReplicaDoesNotBlockAQuorumThatIsAlreadyMet() {
    PreferenceList pl = cluster.preferenceList("kim");
    NodeId coordinator = pl.primaries().get(0);
    put(store(coordinator), "kim", Context.EMPTY, "v1");
    cluster.slow(pl.primaries().get(2), Duration.ofSeconds(20));
    long start = System.nanoTime();
    put(store(coordinator), "kim", get(store(coordinator), "kim").context(), "v2");
    assertThat(get(store(coordinator), "kim").values()).containsExactly("v2");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("real time spent").isLessThan(Duration.ofSeconds(10));
    // With every other node slow, no quorum is possible: the deadline ends the wait.
    cluster.nodes().stream().filter(n -> !n.equals(coordinator)).forEach(n -> cluster.slow(n, Duration.ofSeconds(20)));
    Throwable f = failureOf(store(coordinator).getAsync("kim", ReadOptions.defaults().withTimeout(Duration.ofMillis(500))));
    assertThat(f).isInstanceOf(InsufficientReplicasException.class)
        .hasMessageContaining("1 of 2 required replicas succeeded").hasMessageContaining("within");
  }

  /** Issue #23, item 9: a tool or a test can read what one replica holds, through any node. */
  @Test
  void eachReplicaCanBeReadAloneThroughAnyNode() {
    PreferenceList pl = cluster.preferenceList("lee");
    NodeId via = cluster.nodes().stream().filter(n -> !pl.primaries().contains(n)).findFirst().orElseThrow();
    NodeId outsider = cluster.nodes().stream().filter(n -> !pl.primaries().contains(n) && !n.equals(via))
        .findFirst().orElseThrow();
    Store<String> s = store(via);
    // W = N: every replica holds each write before the next begins.
    cluster.await(s.putAsync("lee", Context.EMPTY, "v1", WriteOptions.defaults().withW(3)));
    cluster.await(s.putAsync("lee", Context.EMPTY, "v2", WriteOptions.defaults().withW(3)));
    for (NodeId replica : pl.primaries()) {
      GetResult<String> alone = get(s, "lee", ReadOptions.defaults().fromReplica(replica));
      assertThat(alone.values()).as("what %s holds", replica).containsExactlyInAnyOrderElementsOf(valuesOf(held(replica, "lee")));
      assertThat(alone.values()).containsExactlyInAnyOrder("v1", "v2");
    }
    assertThat(get(s, "lee", ReadOptions.defaults().fromReplica(outsider)).values()).isEmpty();
    assertThat(get(store(pl.primaries().get(0)), "lee", ReadOptions.defaults().fromReplica(pl.primaries().get(0)))
        .values()).hasSize(2);
    assertThat(failureOf(s.getAsync("lee", ReadOptions.defaults().fromReplica(NodeId.of("stranger")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("replica : stranger (expected: a member)");
  }

  /** Invariant 10: bad arguments fail at once, naming the value and the limit. */
  @Test
  void badArgumentsFailAtOnceWithTheValueAndTheLimit() {
    Store<String> s = store(cluster.nodes().get(0));
    assertThatThrownBy(() -> s.get(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> s.get("")).hasMessage("key length : 0 bytes (expected: 1..maxKeyBytes = 1024)");
    assertThatThrownBy(() -> s.get("k".repeat(1025))).hasMessageContaining("1025 bytes (expected: 1..maxKeyBytes = 1024)");
    assertThatThrownBy(() -> s.put("k", Context.EMPTY, "v".repeat(70_000)))
        .hasMessage("value length : 70000 bytes (expected: <= maxValueBytes = 65536)");
    assertThatThrownBy(() -> s.put("k", null, "v")).isInstanceOf(NullPointerException.class).hasMessage("context");
    assertThatThrownBy(() -> s.get("k", ReadOptions.defaults().withR(4))).hasMessage("r : 4 (expected: <= n = 3)");
    assertThatThrownBy(() -> s.put("k", Context.EMPTY, "v", WriteOptions.defaults().withW(4)))
        .hasMessage("w : 4 (expected: <= n = 3)");
    assertThatThrownBy(() -> cluster.node(cluster.nodes().get(0)).store("x", Codec.utf8(), Replication.of(6, 1, 1)))
        .hasMessage("n : 6 (expected: <= cluster size = 5)");
    assertThatThrownBy(() -> Replication.of(3, 4, 2)).hasMessage("r : 4 (expected: 1..n = 3)");
    assertThatThrownBy(() -> Context.fromBytes(new byte[] {7})).isInstanceOf(IllegalArgumentException.class)
        .hasCauseInstanceOf(io.dynamokv.spi.version.DecodeException.class);
    // and the node keeps serving
    assertThat(get(s, "still-fine").isAbsent()).isTrue();
  }
}
