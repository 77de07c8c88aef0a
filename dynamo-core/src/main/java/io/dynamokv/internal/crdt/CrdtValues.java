package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.Sibling;
import io.dynamokv.spi.version.VersionSet;

/**
 * The built-in types as a key's stored value: each sibling of the key's version set holds a
 * whole state, a tag byte naming its type first. The key's value is the join of its siblings'
 * states, so siblings that replication, hints, repair or transfer leave side by side are never
 * seen: they are one state. An operation, coordinated by a replica, joins them, applies itself
 * and writes the result as the one sibling that replaces them all.
 *
 * <p>Operations travel as bytes too: a tag naming the operation, then its arguments.
 */
public final class CrdtValues {

  /** The type of a state, as its tag byte. */
  public enum Type {
    COUNTER(1), SET(2), FLAG(3), MAP(4);

    final int tag;

    Type(int tag) {
      this.tag = tag;
    }

    String lowerName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final int INCREMENT = 1;
  private static final int ADD = 2;
  private static final int REMOVE = 3;
  private static final int ENABLE = 4;
  private static final int DISABLE = 5;
  private static final int MAP_UPDATE = 6;
  private static final byte[] FLAG_ELEMENT = {};

  private CrdtValues() {}

  /** Returns the operation that adds {@code amount} to a counter. */
  public static byte[] increment(long amount) {
    return op(INCREMENT).writeLong(amount).toByteArray();
  }

  /** Returns the operation that adds {@code element} to a set. */
  public static byte[] add(byte[] element) {
    return op(ADD).writeVarLong(element.length).writeBytes(element).toByteArray();
  }

  /** Returns the operation that removes {@code element} from a set as a read with context {@code seen} saw it. */
  public static byte[] remove(byte[] element, CausalContext seen) {
    ByteWriter out = op(REMOVE).writeVarLong(element.length).writeBytes(element);
    seen.writeTo(out);
    return out.toByteArray();
  }

  /** Returns the operation that enables a flag. */
  public static byte[] enable() {
    return op(ENABLE).toByteArray();
  }

  /** Returns the operation that applies {@code ops} to a map, in order, as one write. */
  public static byte[] mapUpdate(MapOps ops) {
    if (ops.isEmpty()) {
      throw new IllegalArgumentException("map update : no operation (expected: at least one)");
    }
    return ops.toBytes(MAP_UPDATE);
  }

  /** Returns the operation that disables a flag: the enables the coordinator has seen. */
  public static byte[] disable() {
    return op(DISABLE).toByteArray();
  }

  private static ByteWriter op(int tag) {
    return new ByteWriter(16).writeByte(tag);
  }

  /**
   * Whether applying {@code op} twice, at two coordinators (a retry after a silent one), leaves the
   * state as applying it once: true for set and flag operations, false for an increment, which
   * would count twice. A non-idempotent operation is retried only where it cannot have been applied.
   */
  public static boolean idempotent(byte[] op) {
    return op.length == 0 || op[0] != INCREMENT;
  }

  /** Returns the type an operation applies to. */
  public static Type typeOf(byte[] op) {
    return switch (op.length == 0 ? 0 : op[0]) {
      case INCREMENT -> Type.COUNTER;
      case ADD, REMOVE -> Type.SET;
      case ENABLE, DISABLE -> Type.FLAG;
      case MAP_UPDATE -> Type.MAP;
      default -> throw new IllegalArgumentException("operation tag : " + (op.length == 0 ? "none" : op[0])
          + " (expected: 1..6)");
    };
  }

  /**
   * Applies {@code op} to the key whose set is {@code current}: joins its siblings' states, applies
   * the operation under {@code actor}, and returns the set with the result as its one sibling.
   *
   * @param maxStateBytes the most bytes the new state may take (the store's largest value)
   * @throws IllegalArgumentException if the op does not decode, the key holds another type, or
   *     the new state would be larger than {@code maxStateBytes}
   */
  public static VersionSet apply(VersionSet current, byte[] op, ActorId actor, long now, long writeId,
      int maxStateBytes) {
    Type type = typeOf(op);
    ByteReader in = new ByteReader(op, 1, op.length - 1);
    Crdt<?> next;
    try {
      next = switch (type) {
        case COUNTER -> {
          CounterState s = (CounterState) stateOf(current, Type.COUNTER, "key", CounterState.EMPTY);
          yield s.join(s.incrementDelta(actor, in.readLong("amount")));
        }
        case SET -> {
          SetState s = (SetState) stateOf(current, Type.SET, "key", SetState.EMPTY);
          byte[] element = in.readBytes(in.readCount("element bytes", 1), "element");
          yield s.join(op[0] == ADD ? s.addDelta(actor, element) : s.removeDelta(element, CausalContext.readFrom(in)));
        }
        case FLAG -> {
          SetState s = (SetState) stateOf(current, Type.FLAG, "key", SetState.EMPTY);
          yield s.join(op[0] == ENABLE ? s.addDelta(actor, FLAG_ELEMENT) : s.removeDelta(FLAG_ELEMENT, s.context()));
        }
        case MAP -> MapOps.apply((MapState) stateOf(current, Type.MAP, "key", MapState.EMPTY), in, actor, now);
      };
    } catch (DecodeException e) {
      throw new IllegalArgumentException("operation on a " + type.lowerName() + ": " + e.getMessage(), e);
    }
    byte[] state = encode(type, next, current);
    if (state.length > maxStateBytes) {
      // Whole states are replicated as values: each replica holds one to the value limit.
      throw new IllegalArgumentException("the " + type.lowerName() + " would take " + state.length
          + " bytes (expected: <= maxValueBytes = " + maxStateBytes + ")");
    }
    return current.put(current.context(), actor, state, now, writeId);
  }

  /**
   * Returns the join of the states in {@code versions} (the empty state of {@code type} if none).
   *
   * @param what what the set belongs to, for the error
   * @throws IllegalArgumentException if a sibling holds another type, or does not decode
   */
  public static Crdt<?> stateOf(VersionSet versions, Type type, String what, Crdt<?> empty) {
    Crdt<?> state = empty;
    for (Sibling s : versions.values()) {
      ByteReader in = s.valueReader();
      int tag = in.peek(0);
      if (tag != (type.tag & 0xFF)) {
        throw new IllegalArgumentException(what + " holds " + (tag < 0 ? "an empty value"
            : "a value that is not a " + type.lowerName() + " (tag " + (byte) tag + ")") + " (expected: a "
            + type.lowerName() + "; a key holds one type)");
      }
      try {
        in.readUnsignedByte("type tag");
        state = join(state, switch (type) {
          case COUNTER -> CounterState.readFrom(in);
          case SET, FLAG -> SetState.readFrom(in);
          case MAP -> MapState.readFrom(in);
        });
      } catch (DecodeException e) {
        throw new IllegalArgumentException(what + ": its " + type.lowerName() + " does not decode: " + e.getMessage(), e);
      }
    }
    return state;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Crdt<?> join(Crdt a, Crdt b) {
    return (Crdt<?>) a.join(b);
  }

  /** Encodes {@code state}, in a buffer the size of the largest state {@code before} holds and a little more. */
  private static byte[] encode(Type type, Crdt<?> state, VersionSet before) {
    int largest = 0;
    for (Sibling s : before.values()) {
      largest = Math.max(largest, s.valueLength());
    }
    ByteWriter out = new ByteWriter(largest + 64).writeByte(type.tag);
    state.writeTo(out);
    return out.toByteArray();
  }

  /** Returns a flag's value: enabled if any enable survives. */
  public static boolean enabled(SetState flag) {
    return flag.contains(FLAG_ELEMENT);
  }
}
