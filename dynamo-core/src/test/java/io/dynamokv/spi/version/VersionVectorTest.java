package io.dynamokv.spi.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.NodeId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The order on version vectors is a partial order and merge is its least upper bound. */
class VersionVectorTest {

  private static final List<ActorId> ACTORS = List.of(
      ActorId.of(NodeId.of("a"), 1), ActorId.of(NodeId.of("a"), 2),
      ActorId.of(NodeId.of("b"), 1), ActorId.of(NodeId.of("c"), 1));

  @Provide
  Arbitrary<VersionVector> vectors() {
    return Arbitraries.longs().between(0, 3).list().ofSize(ACTORS.size()).map(counters -> {
      Map<ActorId, Long> m = new HashMap<>();
      for (int i = 0; i < ACTORS.size(); i++) {
        m.put(ACTORS.get(i), counters.get(i));
      }
      return VersionVector.of(m);
    });
  }

  @Property
  void compareIsReflexive(@ForAll("vectors") VersionVector a) {
    assertThat(a.compare(a)).isEqualTo(Causality.EQUAL);
  }

  @Property
  void compareIsAntisymmetric(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    assertThat(b.compare(a)).isEqualTo(a.compare(b).inverse());
    if (a.compare(b) == Causality.EQUAL) {
      assertThat(a).isEqualTo(b);
    }
  }

  @Property
  void compareIsTransitive(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b, @ForAll("vectors") VersionVector c) {
    if (b.descends(a) && c.descends(b)) {
      assertThat(c.descends(a)).isTrue();
    }
  }

  @Property
  void mergeIsTheLeastUpperBound(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b, @ForAll("vectors") VersionVector c) {
    VersionVector ab = a.merge(b);
    assertThat(ab.descends(a)).isTrue();
    assertThat(ab.descends(b)).isTrue();
    assertThat(ab).isEqualTo(b.merge(a));
    assertThat(ab.merge(c)).isEqualTo(a.merge(b.merge(c)));
    assertThat(a.merge(a)).isEqualTo(a);
    if (c.descends(a) && c.descends(b)) {
      assertThat(c.descends(ab)).isTrue();
    }
  }

  @Property
  void coversAgreesWithCounters(@ForAll("vectors") VersionVector a) {
    for (ActorId actor : ACTORS) {
      long n = a.counter(actor);
      if (n > 0) {
        assertThat(a.covers(new Dot(actor, n))).isTrue();
      }
      assertThat(a.covers(new Dot(actor, n + 1))).isFalse();
      assertThat(a.with(new Dot(actor, n + 1)).counter(actor)).isEqualTo(n + 1);
    }
  }

  /**
   * The sorted-array vector agrees with the plain model of a vector, a map from actor to
   * counter: pointwise maximum for merge, pointwise comparison for compare, one entry raised by
   * with, and equality (and hash) exactly when the maps are equal.
   */
  @Property
  void agreesWithTheMapModel(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    Map<ActorId, Long> ma = a.counters();
    Map<ActorId, Long> mb = b.counters();
    Map<ActorId, Long> max = new HashMap<>(ma);
    mb.forEach((k, v) -> max.merge(k, v, Math::max));
    assertThat(a.merge(b).counters()).isEqualTo(max);
    boolean aAhead = false;
    boolean bAhead = false;
    for (ActorId actor : ACTORS) {
      aAhead |= a.counter(actor) > b.counter(actor);
      bAhead |= a.counter(actor) < b.counter(actor);
    }
    Causality expected = aAhead && bAhead ? Causality.CONCURRENT
        : aAhead ? Causality.AFTER : bAhead ? Causality.BEFORE : Causality.EQUAL;
    assertThat(a.compare(b)).isEqualTo(expected);
    assertThat(a.equals(b)).isEqualTo(ma.equals(mb));
    if (ma.equals(mb)) {
      assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }
    for (ActorId actor : ACTORS) {
      Map<ActorId, Long> raised = new HashMap<>(ma);
      raised.put(actor, a.counter(actor) + 2);
      assertThat(a.with(new Dot(actor, a.counter(actor) + 2)).counters()).isEqualTo(raised);
    }
    assertThat(a.size()).isEqualTo(ma.size());
  }

  @Test
  void concurrentVectorsAreReportedAsSuch() {
    VersionVector x = VersionVector.of(Map.of(ACTORS.get(0), 2L));
    VersionVector y = VersionVector.of(Map.of(ACTORS.get(2), 1L));
    assertThat(x.compare(y)).isEqualTo(Causality.CONCURRENT);
    assertThat(x.compare(x.merge(y))).isEqualTo(Causality.BEFORE);
  }

  @Test
  void negativeCountersAreRejectedWithTheValue() {
    assertThatThrownBy(() -> VersionVector.of(Map.of(ACTORS.get(0), -1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1").hasMessageContaining("expected: >= 0");
  }
}
