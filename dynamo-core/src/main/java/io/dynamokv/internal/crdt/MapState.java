package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.Dot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A map of named fields, each a built-in type of its own: a last-write-wins register, a counter, a
 * set, a flag or a nested map. A field is named by its name and type together, so a counter
 * {@code visits} and a register {@code visits} are two fields. The map is an observed-remove map:
 * each update of a field tags it with a new dot that carries the field's whole value after the
 * update (and covers the dots before it), and a remove takes away only the dots a read saw. A
 * field's value is the join of its surviving dots' values: an update the remove did not see keeps
 * the field with what its coordinator had, and a field removed and written again starts afresh.
 * Immutable.
 */
public final class MapState implements Crdt<MapState> {

  /** The empty map that has seen nothing. */
  public static final MapState EMPTY = new MapState(new TreeMap<>(), CausalContext.EMPTY);

  /** A field's type, as its tag byte. */
  public enum FieldType {
    REGISTER, COUNTER, SET, FLAG, MAP;

    /** Every type, by tag: {@code values()} copies its array at each call, once a field decoded. */
    private static final FieldType[] BY_TAG = values();

    /** Returns the type whose tag is {@code tag}, or null if none is. */
    static FieldType ofTag(int tag) {
      return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }

    Crdt<?> empty() {
      return switch (this) {
        case REGISTER -> RegisterState.EMPTY;
        case COUNTER -> CounterState.EMPTY;
        case SET, FLAG -> SetState.EMPTY;
        case MAP -> MapState.EMPTY;
      };
    }

    Crdt<?> read(ByteReader in) {
      return switch (this) {
        case REGISTER -> RegisterState.readFrom(in);
        case COUNTER -> CounterState.readFrom(in);
        case SET, FLAG -> SetState.readFrom(in);
        case MAP -> MapState.readFrom(in);
      };
    }
  }

  /** A field: its name and type. */
  public record Field(String name, FieldType type) implements Comparable<Field> {
    @Override
    public int compareTo(Field o) {
      int c = name.compareTo(o.name);
      return c != 0 ? c : type.compareTo(o.type);
    }
  }

  /** A field's surviving dots, each with the value its update left; the field's value is their join. */
  private record Entry(SortedMap<Dot, Crdt<?>> versions) {
    NavigableSet<Dot> dots() {
      return new TreeSet<>(versions.keySet());
    }

    /**
     * The dots of this entry that survive a join with a side that holds {@code theirs} of the
     * field (null if nothing) and has seen {@code seen}: a dot survives if both hold it, or if the
     * side without it never saw it (so did not remove it). This entry itself if every dot
     * survives, null if none does.
     */
    Entry surviving(Entry theirs, CausalContext seen) {
      SortedMap<Dot, Crdt<?>> kept = null;
      for (Map.Entry<Dot, Crdt<?>> v : versions.entrySet()) {
        Dot d = v.getKey();
        boolean survives = (theirs != null && theirs.versions.containsKey(d)) || !seen.contains(d);
        if (!survives && kept == null) {
          kept = new TreeMap<>(versions.headMap(d));
        } else if (survives && kept != null) {
          kept.put(d, v.getValue());
        }
      }
      return kept == null ? this : kept.isEmpty() ? null : new Entry(kept);
    }

    /** This entry joined with {@code theirs}, from a side that has seen {@code theirSeen}; this side saw {@code mySeen}. */
    Entry joined(Entry theirs, CausalContext theirSeen, CausalContext mySeen) {
      Entry mine = surviving(theirs, theirSeen);
      Entry added = theirs.surviving(this, mySeen);
      if (added == null || mine == added) {
        return mine;
      }
      if (mine == null) {
        return added;
      }
      SortedMap<Dot, Crdt<?>> kept = new TreeMap<>(mine.versions);
      added.versions.forEach(kept::putIfAbsent);
      return new Entry(kept);
    }

    Crdt<?> value() {
      Crdt<?> v = null;
      for (Crdt<?> c : versions.values()) {
        v = v == null ? c : join(v, c);
      }
      return v;
    }
  }

  private final SortedMap<Field, Entry> entries;
  private final CausalContext context;

  private MapState(SortedMap<Field, Entry> entries, CausalContext context) {
    this.entries = entries;
    this.context = context;
  }

  /** Returns the fields present, sorted. */
  public List<Field> fields() {
    return new ArrayList<>(entries.keySet());
  }

  /** Calls {@code visit} with each field present, sorted, without copying them out. */
  public void forEachField(java.util.function.Consumer<Field> visit) {
    entries.keySet().forEach(visit);
  }

  /** Whether no field is present. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Returns the value of {@code field}, if present. */
  public Optional<Crdt<?>> get(Field field) {
    return Optional.ofNullable(entries.get(field)).map(Entry::value);
  }

  /** Returns the causal context: what a remove of a field with this state's read may take away. */
  public CausalContext context() {
    return context;
  }

  /**
   * Returns the delta of updating {@code field} at {@code actor}: the field with a new dot, and
   * {@code change}'s delta of its value (given the value now, empty if absent).
   */
  public MapState updateDelta(ActorId actor, Field field, UnaryOperator<Crdt<?>> change) {
    Step step = step(actor, field, change);
    SortedMap<Field, Entry> d = new TreeMap<>();
    d.put(field, step.entry());
    List<Dot> covered = new ArrayList<>(step.replaced() == null ? List.of() : step.replaced().dots());
    covered.add(step.dot());
    return new MapState(d, CausalContext.of(covered));
  }

  /** An update of one field: its new dot, the entry it replaces (null if none), and the new entry. */
  private record Step(Dot dot, Entry replaced, Entry entry) {}

  private Step step(ActorId actor, Field field, UnaryOperator<Crdt<?>> change) {
    Dot dot = context.next(actor);
    Entry current = entries.get(field);
    Crdt<?> now = current == null ? field.type().empty() : current.value();
    SortedMap<Dot, Crdt<?>> versions = new TreeMap<>();
    versions.put(dot, join(now, change.apply(now)));
    return new Step(dot, current, new Entry(versions));
  }

  /**
   * Returns this state with {@link #updateDelta} of the same arguments joined in, built at once:
   * the delta's one dot is new and it covers only {@code field}'s dots, so the join replaces that
   * field's entry, keeps every other one, and adds the dot to the context. The coordinator applies
   * each operation so, without the general join's pass over every field.
   */
  public MapState updated(ActorId actor, Field field, UnaryOperator<Crdt<?>> change) {
    Step step = step(actor, field, change);
    SortedMap<Field, Entry> fields = new TreeMap<>(entries);
    fields.put(field, step.entry());
    CausalContext seen = context.with(step.dot());
    if (step.replaced() != null) {
      for (Dot d : step.replaced().versions.keySet()) {
        seen = seen.with(d); // already seen, unless the stored state was made elsewhere without it
      }
    }
    return new MapState(fields, seen);
  }

  /** Returns the delta of removing {@code field} as a read with context {@code seen} saw it. */
  public MapState removeDelta(Field field, CausalContext seen) {
    List<Dot> removed = new ArrayList<>();
    Entry current = entries.get(field);
    if (current != null) {
      for (Dot d : current.dots()) {
        if (seen.contains(d)) {
          removed.add(d);
        }
      }
    }
    return new MapState(new TreeMap<>(), CausalContext.of(removed));
  }

  @Override
  public MapState join(MapState other) {
    if (other.entries.isEmpty() && other.context.isEmpty()) {
      return this;
    }
    if (entries.isEmpty() && context.isEmpty()) {
      return other;
    }
    // Usually one side is a delta of a field or two: fields only this side holds are kept as
    // they are unless the other side removed some of their dots.
    SortedMap<Field, Entry> merged = new TreeMap<>(entries);
    for (Map.Entry<Field, Entry> mine : entries.entrySet()) {
      if (!other.entries.containsKey(mine.getKey())) {
        Entry kept = mine.getValue().surviving(null, other.context);
        if (kept != mine.getValue()) {
          putOrRemove(merged, mine.getKey(), kept);
        }
      }
    }
    for (Map.Entry<Field, Entry> theirs : other.entries.entrySet()) {
      Field f = theirs.getKey();
      Entry mine = entries.get(f);
      putOrRemove(merged, f, mine == null ? theirs.getValue().surviving(null, context)
          : mine.joined(theirs.getValue(), other.context, context));
    }
    return new MapState(merged, context.join(other.context));
  }

  private static void putOrRemove(SortedMap<Field, Entry> fields, Field f, Entry entry) {
    if (entry == null) {
      fields.remove(f);
    } else {
      fields.put(f, entry);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static Crdt<?> join(Crdt a, Crdt b) {
    return (Crdt<?>) a.join(b);
  }

  @Override
  public void writeTo(ByteWriter out) {
    out.writeVarLong(entries.size());
    entries.forEach((f, e) -> {
      out.writeString(f.name()).writeByte(f.type().ordinal());
      out.writeVarLong(e.versions().size());
      e.versions().forEach((d, v) -> {
        CausalContext.writeActor(out, d.actor());
        out.writeVarLong(d.counter());
        v.writeTo(out);
      });
    });
    context.writeTo(out);
  }

  /** Reads a state {@link #writeTo} wrote. */
  public static MapState readFrom(ByteReader in) {
    SortedMap<Field, Entry> entries = new TreeMap<>();
    int n = in.readCount("map fields", 4);
    for (int i = 0; i < n; i++) {
      String name = in.readString("field name", 64 * 1024);
      int type = in.readUnsignedByte("field type");
      FieldType t = FieldType.ofTag(type);
      if (t == null) {
        throw new io.dynamokv.spi.version.DecodeException("field type : " + type + " (expected: 0.."
            + (FieldType.values().length - 1) + ")", in.position() - 1);
      }
      SortedMap<Dot, Crdt<?>> versions = new TreeMap<>();
      int m = in.readCount("field dots", 12);
      for (int j = 0; j < m; j++) {
        versions.put(new Dot(CausalContext.readActor(in), in.readVarLong("dot counter")), t.read(in));
      }
      if (versions.isEmpty()) {
        throw new io.dynamokv.spi.version.DecodeException("field " + name + " : no dots (expected: a present field)",
            in.position());
      }
      entries.put(new Field(name, t), new Entry(versions));
    }
    return new MapState(entries, CausalContext.readFrom(in));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MapState m && entries.equals(m.entries) && context.equals(m.context);
  }

  @Override
  public int hashCode() {
    return entries.hashCode() * 31 + context.hashCode();
  }

  @Override
  public String toString() {
    return "Map{" + entries + " " + context + "}";
  }
}
