package io.dynamokv.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.SegmentDigest;
import io.dynamokv.spi.version.Sibling;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionSetCodec;
import io.dynamokv.spi.version.VersionVector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link StorageEngine} must do. An engine's test extends this class and says how to
 * make a fresh engine; the suite ships in dynamo-core's test-jar so that every engine runs it.
 */
public abstract class StorageEngineContract {

  protected static final KeySpace KEY_SPACE = new KeySpace(16);
  protected static final ActorId ACTOR = ActorId.of(NodeId.of("n1"), 1);

  protected StorageEngine engine;

  /** Returns a new, empty engine; the suite closes it. */
  protected abstract StorageEngine newEngine() throws Exception;

  @BeforeEach
  void open() throws Exception {
    engine = newEngine();
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  protected static StorageKey key(String store, String key) {
    return KEY_SPACE.storageKey(store, key.getBytes(StandardCharsets.UTF_8));
  }

  protected static VersionSet write(VersionSet current, String value) {
    return current.put(current.context(), ACTOR, value.getBytes(StandardCharsets.UTF_8), 1000);
  }

  protected VersionSet put(StorageKey key, String value) {
    return engine.update(key, v -> write(v, value)).join();
  }

  protected static String valueOf(VersionSet set) {
    assertThat(set.values()).hasSize(1);
    return new String(set.values().get(0).value(), StandardCharsets.UTF_8);
  }

  @Test
  void anAbsentKeyReadsAsEmptyAndUpdatesStartFromEmpty() {
    StorageKey k = key("s", "absent");
    assertThat(engine.get(k)).isEmpty();
    List<VersionSet> seen = new ArrayList<>();
    engine.update(k, v -> {
      seen.add(v);
      return v;
    }).join();
    assertThat(seen).containsExactly(VersionSet.EMPTY);
    assertThat(engine.get(k)).isEmpty();
  }

  /** The coordinator relies on it: once {@code applied} completes, reads see the change; durable follows. */
  @Test
  void readsSeeAnUpdateOnceItIsAppliedAndItBecomesDurableWithTheSameSet() {
    StorageKey k = key("s", "applied");
    Update u = engine.apply(k, v -> write(v, "x"));
    VersionSet applied = u.applied().join();
    assertThat(engine.get(k)).contains(applied);
    assertThat(u.durable().join()).isEqualTo(applied);
  }

  /**
   * Updates of one key queued together (an engine may apply them as one batch) each see the one
   * before: none is lost, and a failing change fails only itself.
   */
  @Test
  void updatesQueuedTogetherOnOneKeyEachSeeThePreviousOne() {
    StorageKey k = key("s", "counter");
    int updates = 500;
    List<Update> queued = new ArrayList<>();
    for (int i = 0; i < updates; i++) {
      boolean fails = i % 7 == 3;
      queued.add(engine.apply(k, v -> {
        if (fails) {
          throw new IllegalStateException("change refused");
        }
        int count = v.isEmpty() ? 0 : Integer.parseInt(valueOf(v));
        return write(v, Integer.toString(count + 1));
      }));
    }
    List<Integer> seen = new ArrayList<>();
    int failed = 0;
    for (Update u : queued) {
      try {
        seen.add(Integer.parseInt(valueOf(u.durable().join())));
        assertThat(u.applied()).isCompleted();
      } catch (CompletionException e) {
        assertThat(e).hasRootCauseMessage("change refused");
        assertThat(u.applied()).isCompletedExceptionally();
        failed++;
      }
    }
    int succeeded = updates - failed;
    assertThat(failed).isEqualTo((updates + 3) / 7);
    assertThat(seen).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, succeeded).boxed().toList());
    assertThat(valueOf(engine.get(k).orElseThrow())).isEqualTo(Integer.toString(succeeded));
    VersionSet last = engine.get(k).orElseThrow();
    long[] expected = new long[KeySpace.SEGMENTS_PER_PARTITION];
    expected[k.segment()] = SegmentDigest.of(k, VersionSetCodec.encode(last));
    assertThat(engine.merkleLeaves("s", k.partition())).isEqualTo(expected);
  }

  @Test
  void aFreshEngineCountsAsCleanlyOpened() {
    assertThat(engine.openedAfterCleanClose()).isTrue();
  }

  @Test
  void anUpdateIsStoredAndReadBack() {
    StorageKey k = key("s", "k");
    VersionSet stored = put(k, "one");
    assertThat(engine.get(k)).contains(stored);
    VersionSet next = put(k, "two");
    assertThat(valueOf(next)).isEqualTo("two");
    assertThat(engine.get(k)).contains(next);
  }

  /** Invariant 4 at the engine: storing a set it already has, or a dominated one, changes nothing. */
  @Test
  void mergingAKnownOrDominatedSetChangesNothing() {
    StorageKey k = key("s", "k");
    VersionSet first = put(k, "one");
    VersionSet second = put(k, "two");
    long[] leaves = engine.merkleLeaves("s", k.partition());
    assertThat(engine.update(k, v -> v.merge(first)).join()).isEqualTo(second);
    assertThat(engine.update(k, v -> v.merge(second)).join()).isEqualTo(second);
    assertThat(engine.get(k)).contains(second);
    assertThat(engine.merkleLeaves("s", k.partition())).isEqualTo(leaves);
  }

  @Test
  void concurrentVersionsMergeIntoSiblings() {
    StorageKey k = key("s", "k");
    VersionSet mine = VersionSet.EMPTY.put(VersionVector.EMPTY, ACTOR, new byte[] {1}, 1);
    VersionSet theirs = VersionSet.EMPTY.put(VersionVector.EMPTY, ActorId.of(NodeId.of("n2"), 1), new byte[] {2}, 2);
    engine.update(k, v -> v.merge(mine)).join();
    VersionSet both = engine.update(k, v -> v.merge(theirs)).join();
    assertThat(both.siblings()).hasSize(2);
    assertThat(both).isEqualTo(mine.merge(theirs));
  }

  @Test
  void returningEmptyRemovesTheKey() {
    StorageKey k = key("s", "k");
    put(k, "one");
    assertThat(engine.stores()).containsExactly("s");
    engine.update(k, v -> VersionSet.EMPTY).join();
    assertThat(engine.get(k)).isEmpty();
    assertThat(engine.merkleLeaves("s", k.partition())).containsOnly(0L);
    assertThat(engine.stores()).isEmpty();
  }

  @Test
  void aFailingUpdateWritesNothingAndFailsItsFuture() {
    StorageKey k = key("s", "k");
    VersionSet stored = put(k, "one");
    var failed = engine.update(k, v -> {
      throw new IllegalStateException("boom");
    });
    assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasRootCauseMessage("boom");
    assertThat(engine.get(k)).contains(stored);
  }

  @Test
  void storesAreIndependent() {
    StorageKey a = key("carts", "k");
    StorageKey b = key("sessions", "k");
    put(a, "cart");
    put(b, "session");
    assertThat(valueOf(engine.get(a).orElseThrow())).isEqualTo("cart");
    assertThat(valueOf(engine.get(b).orElseThrow())).isEqualTo("session");
    assertThat(engine.stores()).containsExactlyInAnyOrder("carts", "sessions");
  }

  @Test
  void aScanVisitsExactlyOnePartitionInKeyOrder() {
    List<StorageKey> all = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      StorageKey k = key(i % 2 == 0 ? "s" : "t", "key-" + i);
      put(k, "v" + i);
      all.add(k);
    }
    for (int p = 0; p < KEY_SPACE.partitions(); p++) {
      int partition = p;
      List<StorageKey> expected = all.stream()
          .filter(k -> k.store().equals("s") && k.partition() == partition).sorted().toList();
      List<StorageKey> scanned = new ArrayList<>();
      engine.scan(ScanRange.partition("s", p), (k, v) -> {
        assertThat(v.values()).hasSize(1);
        return scanned.add(k);
      });
      assertThat(scanned).isEqualTo(expected);
    }
  }

  @Test
  void aScanCanCoverOneSegmentResumeAfterAKeyAndStop() {
    List<StorageKey> keys = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      StorageKey k = key("s", "key-" + i);
      if (k.partition() == 3) {
        put(k, "v");
        keys.add(k);
      }
    }
    keys.sort(null);
    int segment = keys.get(keys.size() / 2).segment();
    List<StorageKey> inSegment = new ArrayList<>();
    engine.scan(ScanRange.segment("s", 3, segment), (k, v) -> inSegment.add(k));
    assertThat(inSegment).isNotEmpty().isEqualTo(keys.stream().filter(k -> k.segment() == segment).toList());

    StorageKey middle = keys.get(keys.size() / 2);
    List<StorageKey> rest = new ArrayList<>();
    engine.scan(ScanRange.partition("s", 3).resumeAfter(middle), (k, v) -> rest.add(k));
    assertThat(rest).isEqualTo(keys.subList(keys.size() / 2 + 1, keys.size()));

    List<StorageKey> firstThree = new ArrayList<>();
    engine.scan(ScanRange.partition("s", 3), (k, v) -> firstThree.add(k) && firstThree.size() < 3);
    assertThat(firstThree).isEqualTo(keys.subList(0, 3));
  }

  /** The incrementally maintained leaves equal leaves rebuilt from a scan of the partition. */
  @Test
  void merkleLeavesEqualTheXorOfDigestsOfWhatIsStored() {
    for (int i = 0; i < 500; i++) {
      StorageKey k = key("s", "key-" + (i % 200));
      if (i % 7 == 3) {
        engine.update(k, v -> VersionSet.EMPTY).join();
      } else {
        put(k, "v" + i);
      }
    }
    for (int p = 0; p < KEY_SPACE.partitions(); p++) {
      long[] rebuilt = new long[KeySpace.SEGMENTS_PER_PARTITION];
      engine.scan(ScanRange.partition("s", p), (k, v) -> {
        rebuilt[k.segment()] ^= SegmentDigest.of(k, VersionSetCodec.encode(v));
        return true;
      });
      assertThat(engine.merkleLeaves("s", p)).as("partition %d", p).isEqualTo(rebuilt);
    }
  }

  /** A client's digest read compares a replica's digest with the digest of another's whole set. */
  @Test
  void aKeysDigestIsTheDigestOfItsSetAndZeroWithoutOne() {
    StorageKey k = key("s", "digested");
    assertThat(engine.digest(k)).as("never written").isZero();
    assertThat(engine.digest(key("no-such-store", "digested"))).as("a store never written").isZero();
    for (String value : new String[] {"a", "b", "a longer value than the others"}) {
      put(k, value);
      VersionSet stored = engine.get(k).orElseThrow();
      assertThat(engine.digest(k)).as("after %s", value).isEqualTo(SegmentDigest.of(k, VersionSetCodec.encode(stored)));
    }
    StorageKey concurrent = key("s", "siblings");
    put(concurrent, "one");
    engine.update(concurrent, v -> v.put(VersionVector.EMPTY, ActorId.of(NodeId.of("n2"), 2), "two".getBytes(StandardCharsets.UTF_8), 1))
        .join();
    assertThat(engine.get(concurrent).orElseThrow().siblings()).hasSize(2);
    assertThat(engine.digest(concurrent))
        .isEqualTo(SegmentDigest.of(concurrent, VersionSetCodec.encode(engine.get(concurrent).orElseThrow())))
        .isNotEqualTo(engine.digest(k));
    engine.update(k, v -> VersionSet.EMPTY).join();
    assertThat(engine.digest(k)).as("removed").isZero();
  }

  /**
   * A read from memory, which a node makes on an I/O thread, reads what {@code get} and
   * {@code digest} read, or nothing at all (it would wait for the disk): never another value.
   */
  @Test
  void aReadFromMemoryReadsWhatGetReadsOrNothing() {
    StorageKey k = key("s", "from-memory");
    for (StorageKey absent : List.of(k, key("no-such-store", "from-memory"))) {
      engine.getFromMemory(absent).ifPresent(held -> assertThat(held).as("never written").isEqualTo(VersionSet.EMPTY));
      engine.digestFromMemory(absent).ifPresent(digest -> assertThat(digest).as("never written").isZero());
    }
    for (String value : new String[] {"a", "a longer value than the first"}) {
      put(k, value);
      VersionSet stored = engine.get(k).orElseThrow();
      engine.getFromMemory(k).ifPresent(held -> assertThat(held).as("after %s", value).isEqualTo(stored));
      engine.digestFromMemory(k).ifPresent(digest -> assertThat(digest).as("after %s", value).isEqualTo(engine.digest(k)));
    }
    engine.update(k, v -> VersionSet.EMPTY).join();
    engine.getFromMemory(k).ifPresent(held -> assertThat(held).as("removed").isEqualTo(VersionSet.EMPTY));
    engine.digestFromMemory(k).ifPresent(digest -> assertThat(digest).as("removed").isZero());
  }

  @Test
  void twoEnginesWithTheSameDataHaveTheSameLeavesAndOneDifferenceShowsInOneLeaf() throws Exception {
    try (StorageEngine other = newEngine()) {
      List<VersionSet> sets = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        StorageKey k = key("s", "key-" + i);
        VersionSet v = put(k, "v" + i);
        other.update(k, current -> current.merge(v)).join();
        sets.add(v);
      }
      for (int p = 0; p < KEY_SPACE.partitions(); p++) {
        assertThat(other.merkleLeaves("s", p)).isEqualTo(engine.merkleLeaves("s", p));
      }
      StorageKey changed = key("s", "key-42");
      put(changed, "changed");
      long[] mine = engine.merkleLeaves("s", changed.partition());
      long[] theirs = other.merkleLeaves("s", changed.partition());
      int differing = 0;
      for (int s = 0; s < mine.length; s++) {
        if (mine[s] != theirs[s]) {
          differing++;
          assertThat(s).isEqualTo(changed.segment());
        }
      }
      assertThat(differing).isEqualTo(1);
    }
  }

  @Test
  void droppingAPartitionRemovesItAndNothingElse() {
    List<StorageKey> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      StorageKey k = key("s", "key-" + i);
      put(k, "v");
      keys.add(k);
    }
    engine.dropPartition("s", 5).join();
    for (StorageKey k : keys) {
      assertThat(engine.get(k).isPresent()).as("%s", k).isEqualTo(k.partition() != 5);
    }
    assertThat(engine.merkleLeaves("s", 5)).containsOnly(0L);
  }

  /**
   * Issue #30, item 6: every store name was permanent state. A dropped store leaves no key, leaf,
   * hint or name behind, other stores keep theirs, and a write afterwards starts it anew.
   */
  @Test
  void aDroppedStoreLeavesNothingBehind() {
    NodeId b = NodeId.of("b");
    for (int i = 0; i < 50; i++) {
      put(key("gone", "k" + i), "v");
      put(key("kept", "k" + i), "v");
    }
    engine.putHint(b, key("gone", "h"), write(VersionSet.EMPTY, "h")).join();
    engine.putHint(b, key("kept", "h"), write(VersionSet.EMPTY, "h")).join();
    engine.dropStore("gone").join();

    assertThat(engine.stores()).containsExactly("kept");
    for (int i = 0; i < 50; i++) {
      assertThat(engine.get(key("gone", "k" + i))).isEmpty();
      assertThat(engine.get(key("kept", "k" + i))).isPresent();
    }
    for (int p = 0; p < KEY_SPACE.partitions(); p++) {
      assertThat(engine.merkleLeaves("gone", p)).containsOnly(0L);
    }
    assertThat(engine.hints(b, 10)).extracting(Hint::key).containsExactly(key("kept", "h"));
    put(key("gone", "k0"), "again");
    assertThat(valueOf(engine.get(key("gone", "k0")).orElseThrow())).isEqualTo("again");
    assertThat(engine.stores()).containsExactlyInAnyOrder("gone", "kept");
    engine.dropStore("never-written").join();
  }

  /** Invariant 5 at the engine: hints are kept by target and removed only once covered. */
  @Test
  void hintsAreHeldPerTargetMergedAndRemovedOnlyWhenDelivered() {
    NodeId b = NodeId.of("b");
    NodeId c = NodeId.of("c");
    StorageKey k1 = key("s", "k1");
    StorageKey k2 = key("s", "k2");
    VersionSet v1 = write(VersionSet.EMPTY, "one");
    VersionSet v2 = VersionSet.EMPTY.put(VersionVector.EMPTY, ActorId.of(NodeId.of("n9"), 3), new byte[] {9}, 5);
    engine.putHint(b, k1, v1).join();
    engine.putHint(b, k2, v1).join();
    engine.putHint(c, k1, v2).join();
    assertThat(engine.hintTargets()).containsExactlyInAnyOrder(b, c);
    assertThat(engine.hints(b, 10)).extracting(Hint::key).containsExactlyInAnyOrder(k1, k2);
    assertThat(engine.hints(b, 1)).hasSize(1);

    engine.putHint(b, k1, v2).join(); // merged with the one held
    Hint held = engine.hints(b, 10).stream().filter(h -> h.key().equals(k1)).findFirst().orElseThrow();
    assertThat(held.versions()).isEqualTo(v1.merge(v2));

    assertThat(engine.removeHint(b, k1, v1).join()).as("delivered less than is held").isFalse();
    assertThat(engine.removeHint(b, k1, v1.merge(v2)).join()).isTrue();
    assertThat(engine.removeHint(b, k1, v1.merge(v2)).join()).as("already gone").isFalse();
    assertThat(engine.hints(b, 10)).extracting(Hint::key).containsExactly(k2);
    assertThat(engine.hints(c, 10)).hasSize(1);
    assertThat(engine.removeHint(b, k2, v1).join()).isTrue();
    assertThat(engine.hintTargets()).containsExactly(c);
  }

  /** Issue #27: the backlog per target counts the hints and their encoded bytes, and empties. */
  @Test
  void theHintBacklogCountsHintsAndTheirBytesPerTarget() {
    NodeId b = NodeId.of("b");
    NodeId c = NodeId.of("c");
    assertThat(engine.hintBacklog(b)).isEqualTo(new io.dynamokv.ClusterStatus.HintBacklog(0, 0));
    VersionSet v1 = write(VersionSet.EMPTY, "one");
    VersionSet v2 = write(VersionSet.EMPTY, "a longer value".repeat(10));
    engine.putHint(b, key("s", "k1"), v1).join();
    engine.putHint(b, key("s", "k2"), v2).join();
    engine.putHint(c, key("s", "k1"), v1).join();
    assertThat(engine.hintBacklog(b)).isEqualTo(new io.dynamokv.ClusterStatus.HintBacklog(2,
        VersionSetCodec.encode(v1).length + VersionSetCodec.encode(v2).length));
    assertThat(engine.hintBacklog(c).hints()).isEqualTo(1);
    engine.removeHint(b, key("s", "k1"), v1).join();
    engine.removeHint(b, key("s", "k2"), v2).join();
    assertThat(engine.hintBacklog(b)).isEqualTo(new io.dynamokv.ClusterStatus.HintBacklog(0, 0));
  }

  @Test
  void metadataIsStoredAsGiven() {
    byte[] value = {1, 2, 3};
    engine.putMetadata("incarnation", value).join();
    value[0] = 9;
    assertThat(engine.getMetadata("incarnation")).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
    assertThat(engine.getMetadata("missing")).isEmpty();
  }

  /** Per-key read-modify-write is atomic: concurrent blind writes all survive as siblings. */
  @Test
  void concurrentWritersToTheSameKeysEndWithExactlyTheRightSiblings() throws Exception {
    int threads = 8;
    int writesPerThread = 48; // a multiple of keys, so each key gets the same number
    int keys = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        ActorId actor = ActorId.of(NodeId.of("writer-" + t), 1);
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < writesPerThread; i++) {
            StorageKey k = key("s", "hot-" + (i % keys));
            byte[] value = (actor + "/" + i).getBytes(StandardCharsets.UTF_8);
            // A blind write (empty context) supersedes nothing: every one must survive.
            engine.update(k, v -> v.put(VersionVector.EMPTY, actor, value, 1)).join();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int total = 0;
    for (int i = 0; i < keys; i++) {
      VersionSet v = engine.get(key("s", "hot-" + i)).orElseThrow();
      assertThat(v.siblings()).hasSize(threads * writesPerThread / keys);
      assertThat(v.siblings().stream().map(Sibling::dot).distinct().count()).isEqualTo(v.siblings().size());
      total += v.siblings().size();
    }
    assertThat(total).isEqualTo(threads * writesPerThread);
  }

  @Test
  void aClosedEngineRefusesWorkAndClosesTwiceQuietly() {
    StorageKey k = key("s", "k");
    put(k, "one");
    engine.close();
    engine.close();
    assertThatThrownBy(() -> engine.get(k)).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> engine.update(k, v -> v).join()).hasCauseInstanceOf(StorageException.class);
  }
}
