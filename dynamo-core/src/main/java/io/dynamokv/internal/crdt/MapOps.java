package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.DecodeException;
import java.util.ArrayList;
import java.util.List;

/**
 * The operations of one map update, as bytes: each names its field by a path (the nested maps
 * down to it, then the field) and says what to do there. Applied in order, at the coordinator,
 * as one write. Not thread-safe.
 */
public final class MapOps {

  private static final int SET_REGISTER = 1;
  private static final int INCREMENT = 2;
  private static final int ADD = 3;
  private static final int REMOVE_ELEMENT = 4;
  private static final int ENABLE = 5;
  private static final int DISABLE = 6;
  private static final int REMOVE_FIELD = 7;
  private static final byte[] FLAG_ELEMENT = {};
  /** The deepest a field may be: maps nested this many levels, the field included. */
  public static final int MAX_DEPTH = 16;

  private final ByteWriter out = new ByteWriter(64);
  private int count;

  /** Sets the register at {@code path} to {@code value}. */
  public MapOps setRegister(List<MapState.Field> path, byte[] value) {
    start(path, MapState.FieldType.REGISTER, SET_REGISTER).writeVarLong(value.length).writeBytes(value);
    return this;
  }

  /** Adds {@code amount} to the counter at {@code path}. */
  public MapOps increment(List<MapState.Field> path, long amount) {
    start(path, MapState.FieldType.COUNTER, INCREMENT).writeLong(amount);
    return this;
  }

  /** Adds {@code element} to the set at {@code path}. */
  public MapOps add(List<MapState.Field> path, byte[] element) {
    start(path, MapState.FieldType.SET, ADD).writeVarLong(element.length).writeBytes(element);
    return this;
  }

  /** Removes {@code element} from the set at {@code path}, as a read of that set with context {@code seen} saw it. */
  public MapOps remove(List<MapState.Field> path, byte[] element, CausalContext seen) {
    start(path, MapState.FieldType.SET, REMOVE_ELEMENT).writeVarLong(element.length).writeBytes(element);
    seen.writeTo(out);
    return this;
  }

  /** Enables ({@code on}) or disables the flag at {@code path}. */
  public MapOps flag(List<MapState.Field> path, boolean on) {
    start(path, MapState.FieldType.FLAG, on ? ENABLE : DISABLE);
    return this;
  }

  /** Removes the field at {@code path} as a read of its map with context {@code seen} saw it. */
  public MapOps removeField(List<MapState.Field> path, CausalContext seen) {
    start(path, path.get(path.size() - 1).type(), REMOVE_FIELD);
    seen.writeTo(out);
    return this;
  }

  /** Whether no operation was added. */
  public boolean isEmpty() {
    return count == 0;
  }

  private ByteWriter start(List<MapState.Field> path, MapState.FieldType leaf, int kind) {
    if (path.size() > MAX_DEPTH) {
      throw new IllegalArgumentException("path : " + path.size() + " fields deep (expected: <= " + MAX_DEPTH + ")");
    }
    if (path.isEmpty() || path.get(path.size() - 1).type() != leaf) {
      throw new IllegalArgumentException("path : " + path + " (expected: ending in a " + leaf + " field)");
    }
    for (int i = 0; i < path.size() - 1; i++) {
      if (path.get(i).type() != MapState.FieldType.MAP) {
        throw new IllegalArgumentException("path : " + path + " (expected: maps down to the field)");
      }
    }
    count++;
    out.writeVarLong(path.size());
    for (MapState.Field f : path) {
      out.writeString(f.name()).writeByte(f.type().ordinal());
    }
    return out.writeByte(kind);
  }

  /** Returns the operations, after {@code tag}, as one operation's bytes. */
  byte[] toBytes(int tag) {
    byte[] body = out.toByteArray();
    return new ByteWriter(body.length + 8).writeByte(tag).writeVarLong(count).writeBytes(body).toByteArray();
  }

  /** Applies the operations {@code in} holds to {@code state} at {@code actor}, in order. */
  static MapState apply(MapState state, ByteReader in, ActorId actor, long now) {
    int ops = in.readCount("map operations", 3);
    for (int i = 0; i < ops; i++) {
      int depth = in.readCount("path length", 2);
      if (depth == 0 || depth > MAX_DEPTH) {
        throw new DecodeException("path length : " + depth + " (expected: 1.." + MAX_DEPTH + ")", in.position());
      }
      List<MapState.Field> path = new ArrayList<>(depth);
      for (int j = 0; j < depth; j++) {
        String name = in.readString("field name", 64 * 1024);
        int type = in.readUnsignedByte("field type");
        MapState.FieldType t = MapState.FieldType.ofTag(type);
        if (t == null) {
          throw new DecodeException("field type : " + type, in.position() - 1);
        }
        path.add(new MapState.Field(name, t));
      }
      int kind = in.readUnsignedByte("map operation");
      state = updated(state, path, 0, kind, in, actor, now);
    }
    return state;
  }

  /** Returns {@code state} with the operation applied: its delta joined in ({@link MapState#updated}). */
  private static MapState updated(MapState state, List<MapState.Field> path, int at, int kind, ByteReader in,
      ActorId actor, long now) {
    MapState.Field field = path.get(at);
    if (at < path.size() - 1) {
      if (field.type() != MapState.FieldType.MAP) {
        throw new DecodeException("path " + path + " goes through a " + field.type(), in.position());
      }
      // The leaf's arguments are read once, for the nested map's own update.
      return state.updated(actor, field, current -> updated((MapState) current, path, at + 1, kind, in, actor, now));
    }
    if (kind == REMOVE_FIELD) {
      return state.join(state.removeDelta(field, CausalContext.readFrom(in)));
    }
    return state.updated(actor, field, current -> leaf(field.type(), current, kind, in, actor, now));
  }

  private static Crdt<?> leaf(MapState.FieldType type, Crdt<?> current, int kind, ByteReader in, ActorId actor,
      long now) {
    return switch (kind) {
      case SET_REGISTER -> expect(type, MapState.FieldType.REGISTER,
          () -> RegisterState.written(now, actor, in.readBytes(in.readCount("register bytes", 1), "register value")));
      case INCREMENT -> expect(type, MapState.FieldType.COUNTER,
          () -> ((CounterState) current).incrementDelta(actor, in.readLong("amount")));
      case ADD -> expect(type, MapState.FieldType.SET,
          () -> ((SetState) current).addDelta(actor, in.readBytes(in.readCount("element bytes", 1), "element")));
      case REMOVE_ELEMENT -> expect(type, MapState.FieldType.SET, () -> {
        byte[] element = in.readBytes(in.readCount("element bytes", 1), "element");
        return ((SetState) current).removeDelta(element, CausalContext.readFrom(in));
      });
      case ENABLE -> expect(type, MapState.FieldType.FLAG, () -> ((SetState) current).addDelta(actor, FLAG_ELEMENT));
      case DISABLE -> expect(type, MapState.FieldType.FLAG,
          () -> ((SetState) current).removeDelta(FLAG_ELEMENT, ((SetState) current).context()));
      default -> throw new DecodeException("map operation : " + kind + " (expected: 1..7)", in.position() - 1);
    };
  }

  private static Crdt<?> expect(MapState.FieldType actual, MapState.FieldType expected,
      java.util.function.Supplier<Crdt<?>> delta) {
    if (actual != expected) {
      throw new DecodeException("an operation on a " + expected + " for a " + actual + " field", 0);
    }
    return delta.get();
  }
}
