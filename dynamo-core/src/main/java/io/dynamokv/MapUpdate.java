package io.dynamokv;

import io.dynamokv.internal.crdt.MapOps;
import io.dynamokv.internal.crdt.MapState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The changes of one {@link MapStore#update}: set registers, increment counters, add to and
 * remove from sets, enable and disable flags, change nested maps, remove fields. They reach the
 * map together, as one write, in the order given. A field is named by its name and its type:
 * {@code register("visits", ...)} and {@code increment("visits", 1)} change two fields.
 *
 * <pre>{@code
 * sessions.update("s-42", new MapUpdate()
 *     .register("user", Codec.utf8(), "alice")
 *     .increment("pages", 1)
 *     .add("tabs", Codec.utf8(), "/cart")
 *     .map("prefs", prefs -> prefs.enable("dark-mode")));
 * }</pre>
 *
 * Not thread-safe.
 */
public final class MapUpdate {

  private final MapOps ops;
  private final List<MapState.Field> prefix;

  /** Starts an empty update. */
  public MapUpdate() {
    this(new MapOps(), List.of());
  }

  private MapUpdate(MapOps ops, List<MapState.Field> prefix) {
    this.ops = ops;
    this.prefix = prefix;
  }

  private List<MapState.Field> path(String name, MapState.FieldType type) {
    Objects.requireNonNull(name, "name");
    List<MapState.Field> path = new ArrayList<>(prefix);
    path.add(new MapState.Field(name, type));
    return path;
  }

  /** Sets the register {@code name} to {@code value} (the write with the latest timestamp wins). */
  public <V> MapUpdate register(String name, Codec<V> codec, V value) {
    ops.setRegister(path(name, MapState.FieldType.REGISTER), codec.encode(Objects.requireNonNull(value, "value")));
    return this;
  }

  /** Adds {@code amount} (negative: subtracts) to the counter {@code name}. */
  public MapUpdate increment(String name, long amount) {
    ops.increment(path(name, MapState.FieldType.COUNTER), amount);
    return this;
  }

  /** Adds {@code element} to the set {@code name}. */
  public <E> MapUpdate add(String name, Codec<E> codec, E element) {
    ops.add(path(name, MapState.FieldType.SET), codec.encode(Objects.requireNonNull(element, "element")));
    return this;
  }

  /** Removes {@code element} from the set {@code name} as {@code seen} (that set, read) saw it. */
  public <E> MapUpdate remove(String name, Codec<E> codec, E element, SetRead<E> seen) {
    ops.remove(path(name, MapState.FieldType.SET), codec.encode(Objects.requireNonNull(element, "element")),
        Objects.requireNonNull(seen, "seen").seen(element));
    return this;
  }

  /** Enables the flag {@code name}. */
  public MapUpdate enable(String name) {
    ops.flag(path(name, MapState.FieldType.FLAG), true);
    return this;
  }

  /** Disables the flag {@code name} (an enable its coordinator has not seen wins). */
  public MapUpdate disable(String name) {
    ops.flag(path(name, MapState.FieldType.FLAG), false);
    return this;
  }

  /** Changes the nested map {@code name} with {@code changes}. */
  public MapUpdate map(String name, Consumer<MapUpdate> changes) {
    changes.accept(new MapUpdate(ops, path(name, MapState.FieldType.MAP)));
    return this;
  }

  /**
   * Removes every field named {@code name} that {@code seen} (this map, read) holds, as it saw
   * them: an update of the field that read did not see keeps it.
   */
  public MapUpdate removeField(String name, MapRead seen) {
    Objects.requireNonNull(seen, "seen");
    for (MapState.Field f : seen.state().fields()) {
      if (f.name().equals(name)) {
        ops.removeField(path(name, f.type()), seen.state().context());
      }
    }
    return this;
  }

  MapOps ops() {
    return ops;
  }
}
