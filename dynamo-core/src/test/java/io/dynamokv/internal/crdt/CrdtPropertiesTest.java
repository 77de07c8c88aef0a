package io.dynamokv.internal.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The built-in types' joins are commutative, associative and idempotent; replicas that apply the
 * same operations' deltas in any order, with duplicates, end in the same state; and each type
 * means what it says (a counter sums, a remove takes away only what it saw).
 */
class CrdtPropertiesTest {

  private static final List<ActorId> ACTORS = List.of(ActorId.of(NodeId.of("a"), 1), ActorId.of(NodeId.of("b"), 7),
      ActorId.of(NodeId.of("c"), 3), ActorId.of(NodeId.of("a"), 2)); // a restarted: a new incarnation

  /** An operation at replica {@code at}: add or remove element {@code element}, or add {@code amount}. */
  record Op(int at, boolean add, int element, long amount) {}

  @Provide
  Arbitrary<List<Op>> histories() {
    return Combinators.combine(Arbitraries.integers().between(0, ACTORS.size() - 1), Arbitraries.of(true, false),
        Arbitraries.integers().between(0, 5), Arbitraries.longs().between(-1000, 1000)).as(Op::new).list().ofMaxSize(40);
  }

  /** Runs {@code ops} at their replicas, each op's delta joined at its replica, and returns the deltas in order. */
  private static <T extends Crdt<T>> List<T> run(List<Op> ops, T empty, OpRule<T> rule, List<T> replicas) {
    List<T> deltas = new ArrayList<>();
    for (int i = 0; i < ACTORS.size(); i++) {
      replicas.add(empty);
    }
    for (Op op : ops) {
      T state = replicas.get(op.at());
      T delta = rule.delta(state, ACTORS.get(op.at()), op);
      replicas.set(op.at(), state.join(delta));
      deltas.add(delta);
    }
    return deltas;
  }

  interface OpRule<T> {
    T delta(T state, ActorId actor, Op op);
  }

  private static final OpRule<CounterState> COUNTER = (s, a, op) -> s.incrementDelta(a, op.amount());
  private static final OpRule<SetState> SET = (s, a, op) -> op.add() ? s.addDelta(a, new byte[] {(byte) op.element()})
      : s.removeDelta(new byte[] {(byte) op.element()}, s.context());

  private static final List<String> FIELDS = List.of("a", "b", "c");

  /** Map operations: by the element number, a register, a counter, a set or a nested map's register; some removes. */
  private static final OpRule<MapState> MAP = (s, a, op) -> {
    MapOps ops = new MapOps();
    String name = FIELDS.get(op.element() % FIELDS.size());
    switch (op.element() % 4) {
      case 0 -> ops.setRegister(List.of(new MapState.Field(name, MapState.FieldType.REGISTER)),
          new byte[] {(byte) op.amount()});
      case 1 -> ops.increment(List.of(new MapState.Field(name, MapState.FieldType.COUNTER)), op.amount());
      case 2 -> ops.add(List.of(new MapState.Field(name, MapState.FieldType.SET)), new byte[] {(byte) op.amount()});
      default -> ops.setRegister(List.of(new MapState.Field("inner", MapState.FieldType.MAP),
          new MapState.Field(name, MapState.FieldType.REGISTER)), new byte[] {(byte) op.at()});
    }
    if (!op.add()) {
      ops.removeField(List.of(new MapState.Field(name, MapState.FieldType.COUNTER)), s.context());
    }
    byte[] bytes = CrdtValues.mapUpdate(ops);
    ByteReader in = new ByteReader(bytes, 1, bytes.length - 1);
    // The state after the update stands for its delta: joined into any state that saw the one it
    // was applied to, it is the update's step (what the coordinator replicates today).
    return MapOps.apply(s, in, a, op.amount() + 1000);
  };

  private static <T extends Crdt<T>> void converges(List<Op> ops, long seed, T empty, OpRule<T> rule) {
    List<T> replicas = new ArrayList<>();
    List<T> deltas = run(ops, empty, rule, replicas);
    Random random = new Random(seed);
    List<T> finals = new ArrayList<>();
    for (T replica : replicas) {
      List<T> delivery = new ArrayList<>(deltas);
      delivery.addAll(deltas.subList(0, deltas.size() / 2)); // duplicates
      Collections.shuffle(delivery, random);
      T state = replica;
      for (T d : delivery) {
        state = state.join(d);
      }
      finals.add(state);
    }
    T all = empty;
    for (T d : deltas) {
      all = all.join(d);
    }
    for (T f : finals) {
      assertThat(f).isEqualTo(all);
    }
  }

  /**
   * The laws on states of one run (a dot is minted once, by one actor: states of unrelated runs
   * could hold one dot with two meanings): the replicas' states after the run of {@code x}, then
   * {@code y}, then {@code z}, each replica having seen part of it.
   */
  private static <T extends Crdt<T>> void laws(List<Op> x, List<Op> y, List<Op> z, T empty, OpRule<T> rule) {
    List<Op> all = new ArrayList<>(x);
    all.addAll(y);
    all.addAll(z);
    List<T> replicas = new ArrayList<>();
    List<T> deltas = run(all, empty, rule, replicas);
    T a = replicas.get(0);
    T b = replicas.get(1).join(deltas.isEmpty() ? empty : deltas.get(0));
    T c = replicas.get(2).join(replicas.get(3));
    assertThat(a.join(b)).isEqualTo(b.join(a));
    assertThat(a.join(b).join(c)).isEqualTo(a.join(b.join(c)));
    assertThat(a.join(a)).isEqualTo(a);
    assertThat(a.join(empty)).isEqualTo(a);
  }

  private static <T extends Crdt<T>> T stateOf(List<Op> ops, T empty, OpRule<T> rule) {
    List<T> replicas = new ArrayList<>();
    run(ops, empty, rule, replicas);
    T all = empty;
    for (T r : replicas) {
      all = all.join(r);
    }
    return all;
  }

  private static <T extends Crdt<T>> void roundTrips(T state, Function<ByteReader, T> read) {
    ByteWriter out = new ByteWriter(64);
    state.writeTo(out);
    byte[] bytes = out.toByteArray();
    assertThat(read.apply(new ByteReader(bytes))).isEqualTo(state);
  }

  @Property(tries = 300)
  void counterJoinIsASemilattice(@ForAll("histories") List<Op> x, @ForAll("histories") List<Op> y,
      @ForAll("histories") List<Op> z) {
    laws(x, y, z, CounterState.EMPTY, COUNTER);
  }

  @Property(tries = 300)
  void setJoinIsASemilattice(@ForAll("histories") List<Op> x, @ForAll("histories") List<Op> y,
      @ForAll("histories") List<Op> z) {
    laws(x, y, z, SetState.EMPTY, SET);
  }

  @Property(tries = 300)
  void countersConvergeInAnyOrderWithDuplicates(@ForAll("histories") List<Op> ops, @ForAll long seed) {
    converges(ops, seed, CounterState.EMPTY, COUNTER);
  }

  @Property(tries = 300)
  void setsConvergeInAnyOrderWithDuplicates(@ForAll("histories") List<Op> ops, @ForAll long seed) {
    converges(ops, seed, SetState.EMPTY, SET);
  }

  @Property(tries = 300)
  void mapJoinIsASemilattice(@ForAll("histories") List<Op> x, @ForAll("histories") List<Op> y,
      @ForAll("histories") List<Op> z) {
    laws(x, y, z, MapState.EMPTY, MAP);
  }

  @Property(tries = 300)
  void mapsConvergeInAnyOrderWithDuplicates(@ForAll("histories") List<Op> ops, @ForAll long seed) {
    converges(ops, seed, MapState.EMPTY, MAP);
  }

  @Property(tries = 100)
  void mapsRoundTripThroughTheirBytes(@ForAll("histories") List<Op> ops) {
    roundTrips(stateOf(ops, MapState.EMPTY, MAP), MapState::readFrom);
  }

  @Example
  void aMapKeepsConcurrentChangesToItsFieldsAndARemoveTakesWhatItSaw() {
    ActorId a = ACTORS.get(0);
    ActorId b = ACTORS.get(1);
    MapState base = apply(MapState.EMPTY, a, new MapOps().increment(counter("visits"), 1));
    MapState byA = apply(base, a, new MapOps().setRegister(List.of(new MapState.Field("user", MapState.FieldType.REGISTER)),
        new byte[] {7}));
    MapState byB = apply(base, b, new MapOps().increment(counter("visits"), 2));
    MapState both = byA.join(byB);
    assertThat(both.fields()).hasSize(2);
    // A removes visits as it saw it; b's concurrent increment keeps the field.
    MapState removedByA = apply(byA, a, new MapOps().removeField(counter("visits"), byA.context()));
    assertThat(removedByA.fields()).extracting(MapState.Field::name).containsExactly("user");
    assertThat(removedByA.join(byB).get(new MapState.Field("visits", MapState.FieldType.COUNTER))).isPresent();
  }

  private static List<MapState.Field> counter(String name) {
    return List.of(new MapState.Field(name, MapState.FieldType.COUNTER));
  }

  private static MapState apply(MapState s, ActorId a, MapOps ops) {
    byte[] bytes = CrdtValues.mapUpdate(ops);
    return MapOps.apply(s, new ByteReader(bytes, 1, bytes.length - 1), a, 1);
  }

  @Property(tries = 200)
  void aCounterIsTheSumOfItsIncrements(@ForAll("histories") List<Op> ops) {
    long sum = ops.stream().mapToLong(Op::amount).sum();
    assertThat(stateOf(ops, CounterState.EMPTY, COUNTER).value()).isEqualTo(sum);
  }

  @Property(tries = 200)
  void statesRoundTripThroughTheirBytes(@ForAll("histories") List<Op> ops) {
    roundTrips(stateOf(ops, CounterState.EMPTY, COUNTER), CounterState::readFrom);
    roundTrips(stateOf(ops, SetState.EMPTY, SET), SetState::readFrom);
  }

  @Property(tries = 200)
  void aDeltaJoinedIntoAnotherReplicaActsAsTheOperationThere(@ForAll("histories") List<Op> ops) {
    // The delta computed at one replica, joined at another that has seen everything the first
    // has, gives the state the first holds after the operation.
    SetState first = stateOf(ops, SetState.EMPTY, SET);
    SetState other = first.join(stateOf(ops.subList(0, ops.size() / 2), SetState.EMPTY, SET));
    ActorId a = ACTORS.get(0);
    SetState delta = first.addDelta(a, new byte[] {9});
    assertThat(other.join(delta)).isEqualTo(first.join(delta));
    assertThat(other.join(delta).contains(new byte[] {9})).isTrue();
  }

  @Property(tries = 300)
  void aMapUpdatedInPlaceEqualsItsDeltaJoinedIn(@ForAll("histories") List<Op> ops, @ForAll("histories") List<Op> next) {
    MapState state = stateOf(ops, MapState.EMPTY, MAP);
    for (Op op : next) {
      ActorId a = ACTORS.get(op.at());
      MapState.Field field = new MapState.Field(FIELDS.get(op.element() % FIELDS.size()),
          MapState.FieldType.values()[op.element() % 3]);
      java.util.function.UnaryOperator<Crdt<?>> change = now -> switch (field.type()) {
        case REGISTER -> RegisterState.written(op.amount(), a, new byte[] {(byte) op.amount()});
        case COUNTER -> ((CounterState) now).incrementDelta(a, op.amount());
        default -> ((SetState) now).addDelta(a, new byte[] {(byte) op.amount()});
      };
      MapState byDelta = state.join(state.updateDelta(a, field, change));
      assertThat(state.updated(a, field, change)).isEqualTo(byDelta);
      state = byDelta;
    }
  }

  /** A state is stored and replicated whole, as a value: one over the value limit is refused at its coordinator. */
  @Example
  void anOperationThatWouldGrowTheStatePastTheValueLimitIsRefused() {
    io.dynamokv.spi.version.VersionSet set = io.dynamokv.spi.version.VersionSet.EMPTY;
    ActorId a = ACTORS.get(0);
    for (int i = 0; i < 10; i++) {
      set = CrdtValues.apply(set, CrdtValues.add(new byte[] {(byte) i}), a, 1, 0, 1000);
    }
    io.dynamokv.spi.version.VersionSet full = set;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> CrdtValues.apply(full, CrdtValues.add(new byte[200]), a, 1, 0,
        300)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(expected: <= maxValueBytes = 300)");
  }

  @Example
  void aConcurrentAddWinsOverARemove() {
    ActorId a = ACTORS.get(0);
    ActorId b = ACTORS.get(1);
    SetState base = SetState.EMPTY.join(SetState.EMPTY.addDelta(a, new byte[] {1}));
    SetState readByB = base;
    SetState readdedByA = base.join(base.addDelta(a, new byte[] {1})); // concurrent with b's remove
    SetState removedByB = readByB.join(readByB.removeDelta(new byte[] {1}, readByB.context()));
    assertThat(removedByB.contains(new byte[] {1})).isFalse();
    assertThat(removedByB.join(readdedByA).contains(new byte[] {1})).as("the add b did not see survives").isTrue();
  }

  @Example
  void aRemoveTakesAwayWhatItSaw() {
    ActorId a = ACTORS.get(0);
    SetState s = SetState.EMPTY.join(SetState.EMPTY.addDelta(a, new byte[] {1}));
    SetState removed = s.join(s.removeDelta(new byte[] {1}, s.context()));
    assertThat(removed.elements()).isEmpty();
    // A remove with an empty context (a read that saw nothing) removes nothing.
    assertThat(s.join(s.removeDelta(new byte[] {1}, CausalContext.EMPTY)).contains(new byte[] {1})).isTrue();
    // The delta of an add is about the element, whatever the set's size.
    SetState big = SetState.EMPTY;
    for (int i = 0; i < 1000; i++) {
      big = big.join(big.addDelta(a, java.nio.ByteBuffer.allocate(4).putInt(i).array()));
    }
    ByteWriter out = new ByteWriter(64);
    big.addDelta(a, new byte[] {1, 2, 3, 4, 5}).writeTo(out);
    assertThat(out.toByteArray().length).as("bytes of one add's delta to a set of 1,000").isLessThan(64);
  }
}
