package io.dynamokv.spi.version;

import io.dynamokv.NodeId;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link VersionSet}, shared by storage engines (the value on disk) and
 * the wire protocol, and of a {@link VersionVector} (a client's opaque context).
 *
 * <pre>
 * version set, format 1:
 *   byte    format (= 1)
 *   vector  context                     (below)
 *   varint  sibling count
 *   per sibling, sorted by dot:
 *     varint  actor index into the context's actors
 *     varint  counter                   (&gt;= 1, &lt;= the context's counter for that actor)
 *     byte    flags                     (bit 0: tombstone; other bits must be 0)
 *     varint  timestamp millis          (unsigned)
 *     varint  value length, bytes       (absent for a tombstone)
 *
 * vector:
 *   varint  actor count
 *   per actor, sorted by actor id:
 *     varint+utf8 node id, 8 bytes incarnation, varint counter (&gt;= 1)
 * </pre>
 *
 * <p>The encoding is canonical: equal sets encode to equal bytes, which is what lets Merkle
 * trees compare replicas by hash. Decoding checks every rule and fails with a
 * {@link DecodeException}, never with another exception and never by allocating more than the
 * input's size. Thread-safe (stateless).
 */
public final class VersionSetCodec {

  /** The format byte this codec writes; it also reads nothing else, until a format 2 exists. */
  public static final int FORMAT_1 = 1;

  private static final int TOMBSTONE = 1;
  // A sibling with a write id (8 bytes after the flags); sets without any encode as before.
  private static final int HAS_WRITE_ID = 2;
  // node id (>= 2 bytes) + incarnation (8) + counter (>= 1)
  private static final int MIN_ACTOR_BYTES = 11;
  // actor index + counter + flags + timestamp
  private static final int MIN_SIBLING_BYTES = 4;

  private VersionSetCodec() {}

  /** Encodes {@code set} in format 1. */
  public static byte[] encode(VersionSet set) {
    ByteWriter out = scratch();
    try {
      writeTo(out, set);
      return out.toByteArray();
    } finally {
      release(out);
    }
  }

  /** This thread's encoding buffer, emptied; {@link #release} it after use. */
  static ByteWriter scratch() {
    ByteWriter out = SCRATCH.get();
    out.reset();
    return out;
  }

  /** Done with this thread's buffer: a large value's is not kept for every later small one. */
  static void release(ByteWriter out) {
    if (out.capacity() > MAX_SCRATCH_BYTES) {
      SCRATCH.remove();
    }
  }

  // Each encode writes into its thread's buffer and copies out the exact bytes: one array per
  // set instead of a growing buffer and a copy, on a path every put takes.
  private static final int MAX_SCRATCH_BYTES = 64 * 1024;
  private static final ThreadLocal<ByteWriter> SCRATCH = ThreadLocal.withInitial(() -> new ByteWriter(1024));

  /** Appends {@code set} in format 1; the encoding delimits itself, so it can be embedded. */
  public static void writeTo(ByteWriter out, VersionSet set) {
    out.writeByte(FORMAT_1);
    List<ActorId> actors = writeVector(out, set.context());
    out.writeVarInt(set.siblings().size());
    for (Sibling s : set.siblings()) {
      out.writeVarInt(indexOf(actors, s.dot().actor()));
      out.writeVarLong(s.dot().counter());
      out.writeByte((s.isTombstone() ? TOMBSTONE : 0) | (s.writeId() != 0 ? HAS_WRITE_ID : 0));
      if (s.writeId() != 0) {
        out.writeLong(s.writeId());
      }
      out.writeVarLong(s.timestampMillis());
      if (!s.isTombstone()) {
        out.writeVarInt(s.valueLength());
        out.writeBytes(s.valueView());
      }
    }
  }

  private static int indexOf(List<ActorId> sortedActors, ActorId actor) {
    int i = java.util.Collections.binarySearch(sortedActors, actor);
    if (i < 0) {
      throw new IllegalStateException("sibling actor " + actor + " is not in the context");
    }
    return i;
  }

  /**
   * Decodes a version set.
   *
   * @throws DecodeException if the bytes are not a well-formed format-1 version set
   */
  public static VersionSet decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes the version set in {@code length} bytes of {@code buf} from {@code offset}; the set
   * shares no bytes with {@code buf}.
   *
   * @throws DecodeException if those bytes are not a well-formed format-1 version set
   */
  public static VersionSet decode(byte[] buf, int offset, int length) {
    return decodeAll(new ByteReader(buf, offset, length), false);
  }

  /**
   * Decodes the version set {@code bytes} holds, its siblings' values left in the array rather
   * than copied out: for an array made for the caller, such as a storage engine's read result,
   * that nothing writes again. The set keeps the array alive.
   *
   * @throws DecodeException if the bytes are not a well-formed format-1 version set
   */
  public static VersionSet decodeSharing(byte[] bytes) {
    return decodeAll(new ByteReader(bytes), true);
  }

  private static VersionSet decodeAll(ByteReader in, boolean share) {
    VersionSet set = readFrom(in, share);
    in.expectEnd("version set");
    return set;
  }

  /**
   * Reads one version set that {@link #writeTo} wrote, leaving the reader after it.
   *
   * @throws DecodeException if the bytes are not a well-formed format-1 version set
   */
  public static VersionSet readFrom(ByteReader in) {
    return readFrom(in, false);
  }

  private static VersionSet readFrom(ByteReader in, boolean share) {
    int start = in.position();
    int format = in.readUnsignedByte("version set format");
    if (format != FORMAT_1) {
      throw new DecodeException("version set format : " + format + " (expected: " + FORMAT_1 + ")", start);
    }
    List<ActorId> actors = new ArrayList<>();
    VersionVector context = readVector(in, actors);
    int count = in.readCount("sibling count", MIN_SIBLING_BYTES);
    List<Sibling> siblings = new ArrayList<>(count);
    Dot previous = null;
    for (int i = 0; i < count; i++) {
      int at = in.position();
      ActorId actor = actors.get(in.readVarInt("sibling actor index", 0, actors.size() - 1));
      long counter = in.readVarLong("sibling counter");
      if (counter < 1 || counter > context.counter(actor)) {
        throw new DecodeException("sibling counter of " + actor + " : " + Long.toUnsignedString(counter)
            + " (expected: 1.." + context.counter(actor) + ")", at);
      }
      Dot dot = new Dot(actor, counter);
      if (previous != null && previous.compareTo(dot) >= 0) {
        throw new DecodeException("siblings out of order: " + dot + " after " + previous, at);
      }
      previous = dot;
      int flags = in.readUnsignedByte("sibling flags");
      if ((flags & ~(TOMBSTONE | HAS_WRITE_ID)) != 0) {
        throw new DecodeException("sibling flags : " + flags + " (expected: 0..3)", in.position() - 1);
      }
      long writeId = (flags & HAS_WRITE_ID) != 0 ? in.readLong("sibling write id") : 0;
      if ((flags & HAS_WRITE_ID) != 0 && writeId == 0) {
        throw new DecodeException("sibling write id : 0 (expected: non-zero when flagged)", in.position() - 8);
      }
      long timestamp = in.readVarLong("sibling timestamp");
      if ((flags & TOMBSTONE) != 0) {
        siblings.add(Sibling.tombstone(dot, timestamp, writeId));
      } else if (share) {
        int valueAt = in.skipLengthPrefixed("sibling value", Integer.MAX_VALUE);
        siblings.add(Sibling.owned(dot, in.array(), valueAt, in.position() - valueAt, timestamp, writeId));
      } else {
        byte[] value = in.readLengthPrefixed("sibling value", Integer.MAX_VALUE);
        siblings.add(Sibling.owned(dot, value, 0, value.length, timestamp, writeId));
      }
    }
    return VersionSet.trusted(context, siblings); // order, uniqueness and coverage checked above
  }

  /** Encodes a version vector on its own (a client's context). */
  public static byte[] encodeVector(VersionVector vector) {
    ByteWriter out = new ByteWriter(16 + 24 * vector.size());
    out.writeByte(FORMAT_1);
    writeVector(out, vector);
    return out.toByteArray();
  }

  /**
   * Decodes what {@link #encodeVector} wrote.
   *
   * @throws DecodeException if the bytes are not a well-formed vector
   */
  public static VersionVector decodeVector(byte[] bytes) {
    ByteReader in = new ByteReader(bytes);
    int format = in.readUnsignedByte("context format");
    if (format != FORMAT_1) {
      throw new DecodeException("context format : " + format + " (expected: " + FORMAT_1 + ")", 0);
    }
    VersionVector v = readVector(in, new ArrayList<>());
    in.expectEnd("context");
    return v;
  }

  /** Appends a version vector without a format byte, for embedding in a message. */
  public static void writeVectorTo(ByteWriter out, VersionVector vector) {
    writeVector(out, vector);
  }

  /** Reads what {@link #writeVectorTo} wrote. */
  public static VersionVector readVectorFrom(ByteReader in) {
    return readVector(in, new ArrayList<>());
  }

  private static List<ActorId> writeVector(ByteWriter out, VersionVector vector) {
    List<ActorId> actors = new ArrayList<>(vector.size());
    out.writeVarInt(vector.size());
    for (int i = 0; i < vector.size(); i++) {
      ActorId actor = vector.actorAt(i);
      actors.add(actor);
      writeActor(out, actor);
      out.writeVarLong(vector.counterAt(i));
    }
    return actors;
  }

  private static VersionVector readVector(ByteReader in, List<ActorId> actorsOut) {
    int count = in.readCount("actor count", MIN_ACTOR_BYTES);
    ActorId[] actors = new ActorId[count];
    long[] counters = new long[count];
    ActorId previous = null;
    for (int i = 0; i < count; i++) {
      int at = in.position();
      ActorId actor = readActor(in);
      long counter = in.readVarLong("counter");
      if (counter < 1) {
        throw new DecodeException("counter of " + actor + " : " + Long.toUnsignedString(counter) + " (expected: >= 1)", at);
      }
      if (previous != null && previous.compareTo(actor) >= 0) {
        throw new DecodeException("actors out of order: " + actor + " after " + previous, at);
      }
      previous = actor;
      actors[i] = actor;
      counters[i] = counter;
      actorsOut.add(actor);
    }
    return VersionVector.trusted(actors, counters); // sorted, every counter checked positive above
  }

  /**
   * Appends {@code actor}: its node id (varint length, UTF-8) and its incarnation (8 bytes), the
   * form every version vector and every built-in type's state names its actors in.
   */
  public static void writeActor(ByteWriter out, ActorId actor) {
    byte[] known = KnownActors.encodingOf(actor);
    if (known != null) {
      out.writeBytes(known);
    } else {
      out.writeString(actor.node().value());
      out.writeLong(actor.incarnation());
    }
  }

  /**
   * Reads what {@link #writeActor} wrote. An actor decoded lately costs one comparison of bytes
   * and comes back as the same object: a cluster has few actors and every state names them.
   */
  public static ActorId readActor(ByteReader in) {
    int at = in.position();
    ActorId actor = KnownActors.read(in);
    if (actor != null) {
      return actor;
    }
    String node = in.readString("node id", NodeId.MAX_UTF8_BYTES);
    long incarnation = in.readLong("incarnation");
    try {
      actor = actorId(nodeId(node), incarnation);
    } catch (IllegalArgumentException e) {
      throw new DecodeException("actor: " + e.getMessage(), at);
    }
    if (ACTORS.get(actor.node()) == actor) {
      KnownActors.remember(in.copySince(at), actor);
    }
    return actor;
  }

  // A cluster has few node ids and every version set names them: validate each once.
  private static final int NODE_CACHE_LIMIT = 10_000;
  private static final java.util.concurrent.ConcurrentHashMap<String, NodeId> NODES =
      new java.util.concurrent.ConcurrentHashMap<>();

  // And few actors: one incarnation per node is shared. Sharing makes decoded sets smaller (a
  // context kept by a client holds its actors) and identity-equal, which the vector's
  // comparisons try first. Incarnations are random, so which one is kept is simply the largest
  // seen: a set naming two incarnations of a node (old versions beside new) then does not swap
  // them in and out of the cache on every decode; the other is decoded as a new object.
  private static final java.util.concurrent.ConcurrentHashMap<NodeId, ActorId> ACTORS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static ActorId actorId(NodeId node, long incarnation) {
    ActorId cached = ACTORS.get(node);
    if (cached != null && cached.incarnation() == incarnation) {
      return cached;
    }
    ActorId id = new ActorId(node, incarnation);
    if (cached == null ? ACTORS.size() < NODE_CACHE_LIMIT : Long.compareUnsigned(incarnation, cached.incarnation()) > 0) {
      ACTORS.put(node, id);
    }
    return id;
  }

  private static NodeId nodeId(String name) {
    NodeId cached = NODES.get(name);
    if (cached != null) {
      return cached;
    }
    NodeId id = new NodeId(name);
    if (NODES.size() < NODE_CACHE_LIMIT) {
      NODES.putIfAbsent(name, id);
    }
    return id;
  }
}
