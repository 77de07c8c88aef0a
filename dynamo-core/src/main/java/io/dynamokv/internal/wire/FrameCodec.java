package io.dynamokv.internal.wire;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.MemberState;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.VersionSetCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The binary form of a {@link Frame}: the bytes inside one length-prefixed frame on a
 * connection (the length prefix belongs to the transport).
 *
 * <pre>
 * byte    protocol version (= 1)
 * byte    flags (bit 0: response; other bits 0)
 * byte    message type id ({@link MessageType})
 * varint  request id
 * ...     payload, by type (strings and byte strings are varint-length-prefixed)
 * </pre>
 *
 * <p>Hand-written for each type: no reflection, no Java serialization. Decoding checks every
 * length against the bytes that remain and every value against its rules, and fails only with
 * {@link DecodeException}, naming what was expected and what came. Stateless, thread-safe.
 */
public final class FrameCodec {

  /** The protocol version this codec writes and reads. */
  public static final int PROTOCOL_VERSION = 1;

  private static final int RESPONSE = 1;
  private static final int MAX_TEXT_BYTES = 64 * 1024;

  private FrameCodec() {}

  /** Encodes {@code frame}. */
  public static byte[] encode(Frame frame) {
    ByteWriter out = new ByteWriter(128);
    encode(frame, out);
    return out.toByteArray();
  }

  /** Appends the encoding of {@code frame} to {@code out}. */
  public static void encode(Frame frame, ByteWriter out) {
    WireMessage m = frame.message();
    out.writeByte(PROTOCOL_VERSION);
    out.writeByte(frame.response() ? RESPONSE : 0);
    out.writeByte(m.type().id());
    out.writeVarLong(frame.requestId());
    writePayload(m, out);
  }

  private static void writePayload(WireMessage m, ByteWriter out) {
    switch (m.type()) {
      case ADDRESSED -> {
        Addressed a = (Addressed) m;
        out.writeString(a.to().value());
        out.writeByte(a.message().type().id());
        writePayload(a.message(), out);
      }
      case PING -> out.writeLong(((Ping) m).nonce());
      case PONG -> {
        out.writeLong(((Pong) m).nonce());
        writeOptionalNode(out, ((Pong) m).from());
      }
      case ACK -> { }
      case FAILURE -> out.writeString(((Failure) m).message());
      case REPLICA_GET -> writeReplicaGet(out, (ReplicaGet) m);
      case REPLICA_DIGEST -> writeReplicaGet(out, ((ReplicaDigest) m).read());
      case REPLICA_GET_REPLY -> VersionSetCodec.writeTo(out, ((ReplicaGetReply) m).versions());
      case REPLICA_PUT -> {
        ReplicaPut p = (ReplicaPut) m;
        out.writeString(p.store());
        p.key().writeLengthPrefixedTo(out);
        VersionSetCodec.writeTo(out, p.versions());
        writeOptionalNode(out, p.hintFor());
      }
      case COORDINATE_PUT -> {
        CoordinatePut c = (CoordinatePut) m;
        out.writeString(c.store());
        c.key().writeLengthPrefixedTo(out);
        VersionSetCodec.writeVectorTo(out, c.context());
        // 0: a delete, 1: a value, 2: an operation on a built-in type
        Optional<Bytes> value = c.value().or(c::operation);
        out.writeByte(c.operation().isPresent() ? 2 : value.isPresent() ? 1 : 0);
        value.ifPresent(v -> v.writeLengthPrefixedTo(out));
        out.writeVarInt(c.n()).writeVarInt(c.w()).writeVarInt(c.timeoutMillis());
        out.writeLong(c.writeId());
      }
      case COORDINATE_PUT_REPLY -> VersionSetCodec.writeTo(out, ((CoordinatePutReply) m).versions());
      case COORDINATE_GET -> {
        CoordinateGet c = (CoordinateGet) m;
        out.writeString(c.store());
        c.key().writeLengthPrefixedTo(out);
        out.writeVarInt(c.n()).writeVarInt(c.r()).writeVarInt(c.timeoutMillis());
      }
      case PRIMARY_GET -> writePrimaryGet(out, (PrimaryGet) m);
      case PRIMARY_DIGEST -> writePrimaryGet(out, ((PrimaryDigest) m).read());
      case SET_DIGEST -> out.writeLong(((SetDigest) m).digest());
      case COORDINATE_SCAN -> {
        CoordinateScan c = (CoordinateScan) m;
        out.writeString(c.store());
        c.prefix().writeLengthPrefixedTo(out);
        c.afterKey().writeLengthPrefixedTo(out);
        out.writeVarInt(c.limit()).writeVarInt(c.n()).writeVarInt(c.r()).writeVarInt(c.timeoutMillis());
      }
      case MERGE_BATCH -> writeEntries(out, ((MergeBatch) m).entries());
      case PARTITION_SCAN -> {
        PartitionScan s = (PartitionScan) m;
        out.writeString(s.store()).writeVarInt(s.partition()).writeVarInt(s.fromSegment())
            .writeVarInt(s.toSegment()).writeVarInt(s.afterSegment());
        Optional<Bytes> after = s.afterKey();
        out.writeByte(after.isPresent() ? 1 : 0);
        after.ifPresent(k -> k.writeLengthPrefixedTo(out));
        out.writeVarInt(s.limit());
        out.writeByte(s.prefix().isPresent() ? 1 : 0);
        s.prefix().ifPresent(k -> k.writeLengthPrefixedTo(out));
      }
      case PARTITION_CHUNK -> {
        PartitionChunk c = (PartitionChunk) m;
        writeEntries(out, c.entries());
        out.writeByte(c.complete() ? 1 : 0);
      }
      case MERKLE_LEAVES_REQUEST -> {
        MerkleLeavesRequest r = (MerkleLeavesRequest) m;
        out.writeString(r.store()).writeVarInt(r.partition());
      }
      case MERKLE_LEAVES_REPLY -> {
        for (long leaf : ((MerkleLeavesReply) m).leaves()) {
          out.writeLong(leaf);
        }
      }
      case GOSSIP -> {
        Gossip g = (Gossip) m;
        out.writeString(g.from().value());
        writeMembers(out, g.members());
        writeOptionalRing(out, g.committed());
        writeOptionalRing(out, g.pending());
      }
      case GOSSIP_DIGEST -> {
        GossipDigest d = (GossipDigest) m;
        out.writeString(d.from().value()).writeVarInt(d.members().size());
        for (MemberDigest md : d.members()) {
          out.writeString(md.id().value()).writeLong(md.generation()).writeByte(md.left() ? 1 : 0)
              .writeVarLong(md.version());
        }
        writeRingId(out, d.committed());
        writeRingId(out, d.pending());
      }
      case GOSSIP_DELTA -> {
        GossipDelta d = (GossipDelta) m;
        writeMembers(out, d.members());
        writeOptionalRing(out, d.committed());
        writeOptionalRing(out, d.pending());
        out.writeVarInt(d.wanted().size());
        d.wanted().forEach(n -> out.writeString(n.value()));
        out.writeByte(d.wantsRings() ? 1 : 0);
      }
      case LIST_STORES -> { }
      case DROP_STORE -> out.writeString(((DropStore) m).store());
      case RING_QUERY -> {
        RingQuery q = (RingQuery) m;
        out.writeVarLong(q.knownVersion()).writeLong(q.knownFingerprint());
      }
      case STORE_NAMES -> {
        List<String> names = ((StoreNames) m).names();
        out.writeVarInt(names.size());
        names.forEach(out::writeString);
      }
    }
  }

  /**
   * Decodes one frame.
   *
   * @throws DecodeException if the bytes are not one well-formed frame of a known version and type
   */
  public static Frame decode(byte[] bytes) {
    return decode(new ByteReader(bytes));
  }

  /** Decodes one frame that fills the rest of {@code in}. */
  public static Frame decode(ByteReader in) {
    int version = in.readUnsignedByte("protocol version");
    if (version != PROTOCOL_VERSION) {
      throw new DecodeException("protocol version : " + version + " (expected: " + PROTOCOL_VERSION + ")", in.position() - 1);
    }
    int flags = in.readUnsignedByte("flags");
    if ((flags & ~RESPONSE) != 0) {
      throw new DecodeException("flags : " + flags + " (expected: 0 or 1)", in.position() - 1);
    }
    int typeId = in.readUnsignedByte("message type");
    MessageType type = MessageType.byId(typeId);
    if (type == null) {
      throw new DecodeException("message type : " + typeId + " (unknown to protocol version " + PROTOCOL_VERSION + ")", in.position() - 1);
    }
    long requestId = in.readVarLong("request id");
    int payloadStart = in.position();
    WireMessage message;
    try {
      message = readPayload(type, in);
    } catch (IllegalArgumentException e) {
      throw new DecodeException(type + ": " + e.getMessage(), payloadStart);
    }
    in.expectEnd(type.toString());
    return new Frame(requestId, (flags & RESPONSE) != 0, message);
  }

  private static WireMessage readPayload(MessageType type, ByteReader in) {
    return switch (type) {
      case ADDRESSED -> {
        NodeId to = readNode(in);
        int typeId = in.readUnsignedByte("addressed message type");
        MessageType inner = MessageType.byId(typeId);
        if (inner == null || inner == MessageType.ADDRESSED) {
          throw new DecodeException("addressed message type : " + typeId + " (expected: a request type)", in.position() - 1);
        }
        yield new Addressed(to, readPayload(inner, in));
      }
      case PING -> new Ping(in.readLong("nonce"));
      case PONG -> new Pong(in.readLong("nonce"), readOptionalNode(in));
      case ACK -> new Ack();
      case FAILURE -> new Failure(in.readString("failure message", MAX_TEXT_BYTES));
      case REPLICA_GET -> readReplicaGet(in);
      case REPLICA_DIGEST -> new ReplicaDigest(readReplicaGet(in));
      case REPLICA_GET_REPLY -> new ReplicaGetReply(VersionSetCodec.readFrom(in));
      case REPLICA_PUT -> new ReplicaPut(readStore(in), readKey(in), VersionSetCodec.readFrom(in), readOptionalNode(in));
      case COORDINATE_PUT -> {
        String store = readStore(in);
        byte[] key = readKey(in);
        var context = VersionSetCodec.readVectorFrom(in);
        int kind = in.readUnsignedByte("write kind");
        if (kind > 2) {
          throw new DecodeException("write kind : " + kind + " (expected: 0 a delete, 1 a value, 2 an operation)",
              in.position() - 1);
        }
        Optional<byte[]> value = kind == 0 ? Optional.empty()
            : Optional.of(in.readLengthPrefixed(kind == 1 ? "value" : "operation", Integer.MAX_VALUE));
        int n = in.readVarInt("n", 1, 255);
        int w = in.readVarInt("w", 1, 255);
        int timeoutMillis = in.readVarInt("timeout millis", 1, Integer.MAX_VALUE);
        long writeId = in.readLong("write id");
        yield kind == 2 ? CoordinatePut.operation(store, key, value.get(), n, w, timeoutMillis, writeId)
            : CoordinatePut.of(store, key, context, value, n, w, timeoutMillis, writeId);
      }
      case COORDINATE_PUT_REPLY -> new CoordinatePutReply(VersionSetCodec.readFrom(in));
      case COORDINATE_GET -> new CoordinateGet(readStore(in), readKey(in), in.readVarInt("n", 1, 255),
          in.readVarInt("r", 1, 255), in.readVarInt("timeout millis", 1, Integer.MAX_VALUE));
      case PRIMARY_GET -> readPrimaryGet(in);
      case PRIMARY_DIGEST -> new PrimaryDigest(readPrimaryGet(in));
      case SET_DIGEST -> new SetDigest(in.readLong("digest"));
      case COORDINATE_SCAN -> new CoordinateScan(readStore(in), Bytes.of(readKey(in)), Bytes.of(readKey(in)),
          in.readVarInt("limit", 1, Integer.MAX_VALUE), in.readVarInt("n", 1, 255), in.readVarInt("r", 1, 255),
          in.readVarInt("timeout millis", 1, Integer.MAX_VALUE));
      case MERGE_BATCH -> new MergeBatch(readEntries(in));
      case PARTITION_SCAN -> {
        String store = readStore(in);
        int partition = in.readVarInt("partition", 0, KeySpace.MAX_PARTITIONS - 1);
        int from = in.readVarInt("from segment", 0, KeySpace.SEGMENTS_PER_PARTITION);
        int to = in.readVarInt("to segment", 0, KeySpace.SEGMENTS_PER_PARTITION);
        int afterSegment = in.readVarInt("after segment", 0, KeySpace.SEGMENTS_PER_PARTITION - 1);
        Optional<byte[]> after = readFlag(in, "has after key") ? Optional.of(readKey(in)) : Optional.empty();
        int limit = in.readVarInt("limit", 1, Integer.MAX_VALUE);
        Optional<Bytes> prefix = readFlag(in, "has prefix") ? Optional.of(Bytes.of(readKey(in))) : Optional.empty();
        yield new PartitionScan(store, partition, from, to, afterSegment, after.map(Bytes::of), limit, prefix);
      }
      case PARTITION_CHUNK -> new PartitionChunk(readEntries(in), readFlag(in, "complete"));
      case MERKLE_LEAVES_REQUEST -> new MerkleLeavesRequest(readStore(in),
          in.readVarInt("partition", 0, KeySpace.MAX_PARTITIONS - 1));
      case MERKLE_LEAVES_REPLY -> {
        long[] leaves = new long[KeySpace.SEGMENTS_PER_PARTITION];
        for (int i = 0; i < leaves.length; i++) {
          leaves[i] = in.readLong("leaf");
        }
        yield new MerkleLeavesReply(leaves);
      }
      case GOSSIP -> new Gossip(readNode(in), readMembers(in), readOptionalRing(in), readOptionalRing(in));
      case GOSSIP_DIGEST -> {
        NodeId from = readNode(in);
        int count = in.readCount("digest count", 11);
        List<MemberDigest> digests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          digests.add(new MemberDigest(readNode(in), in.readLong("generation"), readFlag(in, "left"),
              in.readVarLong("version")));
        }
        yield new GossipDigest(from, digests, readRingId(in), readRingId(in));
      }
      case GOSSIP_DELTA -> {
        List<MemberState> members = readMembers(in);
        Optional<RingState> committed = readOptionalRing(in);
        Optional<RingState> pending = readOptionalRing(in);
        int count = in.readCount("wanted count", 1);
        List<NodeId> wanted = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          wanted.add(readNode(in));
        }
        yield new GossipDelta(members, committed, pending, wanted, readFlag(in, "wants rings"));
      }
      case LIST_STORES -> new ListStores();
      case DROP_STORE -> new DropStore(readStore(in));
      case RING_QUERY -> {
        RingId known = readRingId(in);
        yield new RingQuery(known.version(), known.fingerprint());
      }
      case STORE_NAMES -> {
        int count = in.readCount("store count", 1);
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          names.add(readStore(in));
        }
        yield new StoreNames(names);
      }
    };
  }

  private static final KnownNames<String> STORES = new KnownNames<>("store", StorageKey.MAX_STORE_NAME_BYTES, s -> s);
  private static final KnownNames<NodeId> NODES = new KnownNames<>("node id", NodeId.MAX_UTF8_BYTES, NodeId::new);

  /** A replica read's payload, which a read of its digest shares. */
  private static void writeReplicaGet(ByteWriter out, ReplicaGet g) {
    out.writeString(g.store());
    g.key().writeLengthPrefixedTo(out);
  }

  private static ReplicaGet readReplicaGet(ByteReader in) {
    return new ReplicaGet(readStore(in), readKey(in));
  }

  /** A client's read of a primary's copy, which a read of its digest shares. */
  private static void writePrimaryGet(ByteWriter out, PrimaryGet g) {
    out.writeString(g.store());
    g.key().writeLengthPrefixedTo(out);
    out.writeVarInt(g.n());
  }

  private static PrimaryGet readPrimaryGet(ByteReader in) {
    return new PrimaryGet(readStore(in), readKey(in), in.readVarInt("n", 1, 255));
  }

  private static String readStore(ByteReader in) {
    return STORES.read(in);
  }

  private static byte[] readKey(ByteReader in) {
    int at = in.position();
    byte[] key = in.readLengthPrefixed("key", StorageKey.MAX_KEY_BYTES);
    if (key.length == 0) {
      throw new DecodeException("key length : 0 (expected: 1.." + StorageKey.MAX_KEY_BYTES + ")", at);
    }
    return key;
  }

  private static boolean readFlag(ByteReader in, String what) {
    int b = in.readUnsignedByte(what);
    if (b > 1) {
      throw new DecodeException(what + " : " + b + " (expected: 0 or 1)", in.position() - 1);
    }
    return b == 1;
  }

  private static void writeOptionalNode(ByteWriter out, Optional<NodeId> node) {
    out.writeByte(node.isPresent() ? 1 : 0);
    node.ifPresent(n -> out.writeString(n.value()));
  }

  private static Optional<NodeId> readOptionalNode(ByteReader in) {
    return readFlag(in, "has node") ? Optional.of(readNode(in)) : Optional.empty();
  }

  private static NodeId readNode(ByteReader in) {
    return NODES.read(in);
  }

  private static void writeEntries(ByteWriter out, List<KeyedVersions> entries) {
    out.writeVarInt(entries.size());
    for (KeyedVersions e : entries) {
      out.writeString(e.store());
      e.key().writeLengthPrefixedTo(out);
      VersionSetCodec.writeTo(out, e.versions());
    }
  }

  private static List<KeyedVersions> readEntries(ByteReader in) {
    int count = in.readCount("entry count", 7); // store, key and an empty set take 7 bytes at least
    List<KeyedVersions> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(new KeyedVersions(readStore(in), readKey(in), VersionSetCodec.readFrom(in)));
    }
    return entries;
  }

  private static void writeRingId(ByteWriter out, RingId id) {
    out.writeVarLong(id.version()).writeLong(id.fingerprint());
  }

  private static RingId readRingId(ByteReader in) {
    long version = in.readVarLong("ring version");
    return new RingId(version, in.readLong("ring fingerprint"));
  }

  private static void writeMembers(ByteWriter out, List<MemberState> members) {
    out.writeVarInt(members.size());
    for (MemberState m : members) {
      out.writeString(m.id().value()).writeString(m.endpoint().host()).writeVarInt(m.endpoint().port())
          .writeLong(m.generation()).writeVarLong(m.version()).writeVarInt(m.weight())
          .writeByte(m.status().ordinal());
      writeRingId(out, m.seen());
      writeRingId(out, m.ready());
    }
  }

  private static List<MemberState> readMembers(ByteReader in) {
    int count = in.readCount("member count", 34);
    List<MemberState> members = new ArrayList<>(count);
    MemberStatus[] statuses = MemberStatus.values();
    for (int i = 0; i < count; i++) {
      NodeId id = readNode(in);
      String host = in.readString("host", 255);
      int port = in.readVarInt("port", 0, 65535);
      long generation = in.readLong("generation");
      long version = in.readVarLong("version");
      int weight = in.readVarInt("weight", 1, Integer.MAX_VALUE);
      int status = in.readUnsignedByte("status");
      if (status >= statuses.length) {
        throw new DecodeException("status : " + status + " (expected: 0.." + (statuses.length - 1) + ")", in.position() - 1);
      }
      members.add(new MemberState(id, Endpoint.of(host, port), generation, version, weight, statuses[status],
          readRingId(in), readRingId(in)));
    }
    return members;
  }

  private static void writeOptionalRing(ByteWriter out, Optional<RingState> ring) {
    out.writeByte(ring.isPresent() ? 1 : 0);
    ring.ifPresent(r -> {
      // A node table, then each partition's owner as an index into it.
      Map<NodeId, Integer> index = new HashMap<>();
      List<NodeId> table = new ArrayList<>();
      for (NodeId owner : r.owners()) {
        index.computeIfAbsent(owner, o -> {
          table.add(o);
          return table.size() - 1;
        });
      }
      out.writeVarLong(r.version()).writeVarInt(table.size());
      table.forEach(n -> out.writeString(n.value()));
      out.writeVarInt(r.owners().size());
      r.owners().forEach(o -> out.writeVarInt(index.get(o)));
    });
  }

  private static Optional<RingState> readOptionalRing(ByteReader in) {
    if (!readFlag(in, "has ring")) {
      return Optional.empty();
    }
    long version = in.readVarLong("ring version");
    int nodes = in.readCount("ring node count", 2);
    List<NodeId> table = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      table.add(readNode(in));
    }
    int partitions = in.readVarInt("partition count", 1, Math.min(KeySpace.MAX_PARTITIONS, in.remaining()));
    List<NodeId> owners = new ArrayList<>(partitions);
    // The table lists each owner once, in order of first use: one encoding per ring.
    int used = 0;
    for (int p = 0; p < partitions; p++) {
      int index = in.readVarInt("owner index", 0, Math.min(used, nodes - 1));
      if (index == used) {
        used++;
      }
      owners.add(table.get(index));
    }
    if (used != nodes || new java.util.HashSet<>(table).size() != nodes) {
      throw new DecodeException("ring node table : " + nodes + " entries, " + used
          + " used (expected: distinct owners, each used)", in.position());
    }
    return Optional.of(new RingState(version, owners));
  }
}
