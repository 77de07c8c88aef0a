package io.dynamokv.spi.version;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import io.dynamokv.spi.version.ReplicaModel.Kind;
import io.dynamokv.spi.version.ReplicaModel.Step;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The rules of dotted version vector sets, checked on random histories of three replicas. */
class VersionSetTest {

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 2))
        .as(Step::new);
    return step.list().ofMaxSize(30);
  }

  private static ReplicaModel run(List<Step> history) {
    ReplicaModel model = new ReplicaModel(3);
    history.forEach(model::apply);
    return model;
  }

  @Property
  void mergeIsCommutative(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    VersionSet a = m.replicas.get(0);
    VersionSet b = m.replicas.get(1);
    assertThat(a.merge(b)).isEqualTo(b.merge(a));
  }

  @Property
  void mergeIsAssociative(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    VersionSet a = m.replicas.get(0);
    VersionSet b = m.replicas.get(1);
    VersionSet c = m.replicas.get(2);
    assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
  }

  @Property
  void mergeIsIdempotent(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    VersionSet a = m.replicas.get(0);
    VersionSet ab = a.merge(m.replicas.get(1));
    assertThat(a.merge(a)).isEqualTo(a);
    assertThat(ab.merge(m.replicas.get(1))).isEqualTo(ab);
  }

  /** Invariant 4: a replica that stores what it already has, or something older, is unchanged. */
  @Property
  void storingAKnownOrDominatedSetChangesNothing(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    VersionSet before = m.replicas.get(0);
    m.replicas.set(1, m.replicas.get(1).merge(before));
    VersionSet newer = m.write(1, m.replicas.get(1).context(), false, 1);
    VersionSet merged = newer.merge(before);
    assertThat(merged).isEqualTo(newer);
    assertThat(merged.merge(before)).isEqualTo(merged);
  }

  /** Invariant 1 and 2, against the ground truth: after a full sync exactly the unseen writes remain. */
  @Property
  void afterFullSyncExactlyTheWritesNoClientSawSurvive(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    m.syncAll();
    Set<Dot> expected = m.unseenWrites();
    for (VersionSet replica : m.replicas) {
      Set<Dot> actual = replica.siblings().stream().map(Sibling::dot).collect(Collectors.toSet());
      assertThat(actual).as("siblings of %s", replica).isEqualTo(expected);
    }
  }

  /** Invariant 3: a put with a read's context replaces exactly the siblings that read saw. */
  @Property
  void aPutReplacesExactlyTheSiblingsItsReadSaw(
      @ForAll("histories") List<Step> history,
      @ForAll @IntRange(min = 0, max = 2) int coordinator,
      @ForAll @IntRange(min = 0, max = 2) int readFrom) {
    ReplicaModel m = run(history);
    VersionSet read = m.replicas.get(readFrom);
    VersionSet before = m.replicas.get(coordinator);
    VersionSet after = m.write(coordinator, read.context(), false, coordinator);
    Dot added = ReplicaModel.newDot(before, after);
    Set<Dot> kept = new HashSet<>();
    for (Sibling s : before.siblings()) {
      if (read.siblings().contains(s)) {
        assertThat(after.siblings()).as("a sibling the read returned").doesNotContain(s);
      }
      if (!read.context().covers(s.dot())) {
        kept.add(s.dot());
      }
    }
    kept.add(added);
    assertThat(after.siblings().stream().map(Sibling::dot).collect(Collectors.toSet())).isEqualTo(kept);
  }

  /** Invariant 2: the case plain vector clocks get wrong. */
  @Property
  void twoPutsWithTheSameContextThroughOneCoordinatorBothSurvive(
      @ForAll("histories") List<Step> history, @ForAll @IntRange(min = 0, max = 2) int coordinator) {
    ReplicaModel m = run(history);
    VersionSet before = m.replicas.get(coordinator);
    VersionVector context = before.context();
    VersionSet first = m.write(coordinator, context, false, coordinator);
    Dot firstDot = ReplicaModel.newDot(before, first);
    VersionSet second = m.write(coordinator, context, false, coordinator);
    Dot secondDot = ReplicaModel.newDot(first, second);
    assertThat(second.siblings()).extracting(Sibling::dot).contains(firstDot, secondDot);
  }

  /** Invariant 2: with R + W > N, one client's read-modify-write loop never makes siblings. */
  @Property
  void aSequentialReadModifyWriteLoopNeverCreatesSiblings(
      @ForAll("quorumChoices") List<int[]> rounds) {
    ReplicaModel m = new ReplicaModel(3);
    for (int[] round : rounds) {
      // R = 2: read two distinct replicas and merge; W = 2: coordinator plus one other.
      int r1 = round[0];
      int r2 = (r1 + 1 + round[1]) % 3;
      VersionSet read = m.replicas.get(r1).merge(m.replicas.get(r2));
      int c = round[2];
      int also = (c + 1 + round[3]) % 3;
      m.write(c, read.context(), false, also);
      VersionSet everything = m.replicas.get(0).merge(m.replicas.get(1)).merge(m.replicas.get(2));
      assertThat(everything.siblings()).hasSize(1);
    }
  }

  @Provide
  Arbitrary<List<int[]>> quorumChoices() {
    Arbitrary<int[]> round = Combinators.combine(
            Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1))
        .as((a, b, c, d) -> new int[] {a, b, c, d});
    return round.list().ofMinSize(1).ofMaxSize(20);
  }

  /** A delete never erases a write it did not see. */
  @Property
  void aDeleteKeepsConcurrentWritesAsSiblings(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    VersionVector seen = m.replicas.get(0).context();
    VersionSet beforeConcurrent = m.replicas.get(1);
    VersionSet concurrent = m.write(1, beforeConcurrent.context(), false, 1);
    Dot concurrentDot = ReplicaModel.newDot(beforeConcurrent, concurrent);
    VersionSet deleted = m.replicas.get(0).delete(seen, m.actors.get(0), 99);
    VersionSet merged = deleted.merge(concurrent);
    if (!seen.covers(concurrentDot)) {
      assertThat(merged.siblings()).extracting(Sibling::dot).contains(concurrentDot);
      assertThat(merged.isDeleted()).isFalse();
    }
  }

  /** Versions stay small: one counter per coordinating actor, one dot per sibling. */
  @Property
  void metadataIsBoundedByTheActorsThatCoordinated(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    m.syncAll();
    Set<ActorId> coordinators = new HashSet<>();
    m.writes.forEach(w -> coordinators.add(w.dot().actor()));
    assertThat(m.replicas.get(0).context().size()).isLessThanOrEqualTo(coordinators.size());
  }

  @Property
  void aNewDotIsAboveEverythingTheCoordinatorAndTheClientHaveSeen(
      @ForAll @IntRange(min = 0, max = 50) int local, @ForAll @IntRange(min = 0, max = 50) int client) {
    ActorId a = ActorId.of(NodeId.of("a"), 1);
    VersionSet stored = local == 0 ? VersionSet.EMPTY
        : VersionSet.of(VersionVector.of(java.util.Map.of(a, (long) local)),
            List.of(Sibling.value(new Dot(a, local), new byte[] {1}, 0)));
    VersionVector seen = VersionVector.of(java.util.Map.of(a, (long) client));
    VersionSet after = stored.put(seen, a, "x".getBytes(StandardCharsets.UTF_8), 1);
    assertThat(after.context().counter(a)).isEqualTo(Math.max(local, client) + 1L);
  }

  /** Invariant 7: a collected delete (a grave) keeps every version the delete covered out. */
  @Property
  void aGraveKeepsWhatTheDeleteCoveredOutAndLetsConcurrentWritesIn(@ForAll("histories") List<Step> history) {
    ReplicaModel m = run(history);
    m.syncAll();
    VersionSet before = m.replicas.get(0);
    VersionSet deleted = before.delete(before.context(), m.actors.get(0), 500);
    VersionSet grave = deleted.collectTombstones();
    assertThat(grave.siblings()).isEmpty();
    assertThat(grave.context()).isEqualTo(deleted.context());
    assertThat(deleted.merge(grave)).isEqualTo(grave);
    for (VersionSet older : m.replicas) {
      assertThat(grave.merge(older).values()).as("older state merged into the grave").isEmpty();
    }
    ActorId newcomer = ActorId.of(NodeId.of("newcomer"), 99); // a write the delete cannot have seen
    VersionSet concurrent = VersionSet.EMPTY.put(VersionVector.EMPTY, newcomer, new byte[] {7}, 501);
    assertThat(grave.merge(concurrent).values()).hasSize(1);
  }

  /** Issue #31, item 3: the copies of one write, coordinated twice, are one sibling, in any merge order. */
  @Test
  void copiesOfOneWriteCollapseToOneSiblingWhateverTheOrder() {
    ActorId a = ActorId.of(NodeId.of("a"), 1);
    ActorId b = ActorId.of(NodeId.of("b"), 1);
    ActorId c = ActorId.of(NodeId.of("c"), 1);
    byte[] apples = {1, 2, 3};
    long id = 42;
    VersionSet atA = VersionSet.EMPTY.put(VersionVector.EMPTY, a, apples, 10, id);
    VersionSet atB = VersionSet.EMPTY.put(VersionVector.EMPTY, b, apples, 11, id);
    // b had a's copy already when it coordinated the retry.
    assertThat(atA.put(VersionVector.EMPTY, b, apples, 11, id).values()).hasSize(1);
    VersionSet ab = atA.merge(atB);
    assertThat(ab).isEqualTo(atB.merge(atA));
    assertThat(ab.values()).hasSize(1);
    assertThat(ab.merge(atA)).isEqualTo(ab);
    assertThat(ab.merge(atB)).isEqualTo(ab);
    // A later write that saw a's copy supersedes the write, whichever copy a replica kept.
    VersionSet later = atA.put(atA.context(), c, new byte[] {9}, 12);
    assertThat(later.merge(atB).merge(ab).values()).extracting(s -> s.value()[0]).containsExactly((byte) 9);
    assertThat(ab.merge(later.merge(atB)).values()).extracting(s -> s.value()[0]).containsExactly((byte) 9);
    // Two writes of the same bytes with different ids, or none, stay two siblings.
    assertThat(VersionSet.EMPTY.put(VersionVector.EMPTY, a, apples, 10, 1).merge(
        VersionSet.EMPTY.put(VersionVector.EMPTY, b, apples, 11, 2)).values()).hasSize(2);
    assertThat(VersionSet.EMPTY.put(VersionVector.EMPTY, a, apples, 10).merge(
        VersionSet.EMPTY.put(VersionVector.EMPTY, b, apples, 11)).values()).hasSize(2);
    // The id survives the codec; a set without ids encodes as before.
    assertThat(VersionSetCodec.decode(VersionSetCodec.encode(ab))).isEqualTo(ab);
    assertThat(VersionSetCodec.decode(VersionSetCodec.encode(ab)).siblings().get(0).writeId()).isEqualTo(id);
  }
}
