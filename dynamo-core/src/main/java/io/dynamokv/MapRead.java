package io.dynamokv;

import io.dynamokv.internal.crdt.CounterState;
import io.dynamokv.internal.crdt.Crdt;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.crdt.MapState;
import io.dynamokv.internal.crdt.RegisterState;
import io.dynamokv.internal.crdt.SetState;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A read of a map ({@link MapStore#get}), or of a map nested in one: its fields by name and type,
 * and what it saw, which {@link MapUpdate#removeField} passes on. Immutable.
 */
public final class MapRead {

  private final MapState state;

  MapRead(MapState state) {
    this.state = state;
  }

  /** Returns the names of the fields present (of any type), sorted. */
  public Set<String> fieldNames() {
    Set<String> names = new TreeSet<>();
    state.forEachField(f -> names.add(f.name()));
    return names;
  }

  /** Whether the map has no field. */
  public boolean isEmpty() {
    return state.isEmpty();
  }

  private Optional<Crdt<?>> field(String name, MapState.FieldType type) {
    return state.get(new MapState.Field(name, type));
  }

  /** Returns the register {@code name}, decoded, if present. */
  public <V> Optional<V> register(String name, Codec<V> codec) {
    return field(name, MapState.FieldType.REGISTER).map(r -> ((RegisterState) r).decodeValue(codec::decode));
  }

  /** Returns the counter {@code name} (0 if absent). */
  public long counter(String name) {
    return field(name, MapState.FieldType.COUNTER).map(c -> ((CounterState) c).value()).orElse(0L);
  }

  /** Returns the set {@code name} (empty if absent), with what a remove from it needs. */
  public <E> SetRead<E> set(String name, Codec<E> codec) {
    return SetRead.of(List.of((SetState) field(name, MapState.FieldType.SET).orElse(SetState.EMPTY)), codec);
  }

  /** Returns the flag {@code name} (disabled if absent). */
  public boolean flag(String name) {
    return field(name, MapState.FieldType.FLAG).map(f -> CrdtValues.enabled((SetState) f)).orElse(false);
  }

  /** Returns the nested map {@code name}, if present. */
  public Optional<MapRead> map(String name) {
    return field(name, MapState.FieldType.MAP).map(m -> new MapRead((MapState) m));
  }

  MapState state() {
    return state;
  }

  @Override
  public String toString() {
    return "MapRead" + state.fields();
  }
}
