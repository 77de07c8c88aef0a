package io.dynamokv.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.MemberState;
import io.dynamokv.internal.membership.MemberStatus;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Every message type round-trips; malformed input fails only with DecodeException. */
class FrameCodecTest {

  private static final List<ActorId> ACTORS = List.of(
      ActorId.of(NodeId.of("a"), 1), ActorId.of(NodeId.of("b"), 2), ActorId.of(NodeId.of("ü-node"), -5));

  static Arbitrary<VersionSet> versionSets() {
    return Arbitraries.integers().between(0, 40).list().ofMaxSize(8).map(ops -> {
      VersionSet set = VersionSet.EMPTY;
      VersionSet other = VersionSet.EMPTY;
      for (int op : ops) {
        ActorId actor = ACTORS.get(op % ACTORS.size());
        byte[] value = new byte[op];
        switch (op % 4) {
          case 0 -> set = set.put(set.context(), actor, value, op * 1000L);
          case 1 -> other = other.put(VersionVector.EMPTY, actor, value, op);
          case 2 -> set = set.delete(set.context(), actor, op);
          default -> set = set.merge(other);
        }
      }
      return set;
    });
  }

  static Arbitrary<byte[]> keys() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40);
  }

  static Arbitrary<String> stores() {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('é', '/').ofMinLength(1).ofMaxLength(20);
  }

  static Arbitrary<NodeId> nodes() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12).map(NodeId::of);
  }

  static Arbitrary<KeyedVersions> entries() {
    return Combinators.combine(stores(), keys(), versionSets()).as(KeyedVersions::new);
  }

  static Arbitrary<RingId> ringIds() {
    return Combinators.combine(Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs()).as(RingId::new);
  }

  static Arbitrary<MemberState> members() {
    Arbitrary<Endpoint> endpoints = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(15),
        Arbitraries.integers().between(0, 65535)).as(Endpoint::of);
    return Combinators.combine(nodes(), endpoints, Arbitraries.longs(), Arbitraries.longs().greaterOrEqual(0),
        Arbitraries.integers().between(1, 100), Arbitraries.of(MemberStatus.class), ringIds(), ringIds())
        .as(MemberState::new);
  }

  static Arbitrary<Optional<RingState>> rings() {
    return Combinators.combine(nodes().list().ofMinSize(1).ofMaxSize(20), Arbitraries.longs().greaterOrEqual(0))
        .as((owners, version) -> new RingState(version, owners)).optional();
  }

  static Arbitrary<WireMessage> messages() {
    Arbitrary<WireMessage> plain = plainMessages();
    return Arbitraries.oneOf(plain, Combinators.combine(nodes(), plain).as(Addressed::new));
  }

  private static Arbitrary<WireMessage> plainMessages() {
    Arbitrary<Optional<byte[]>> optionalKey = keys().optional();
    return Arbitraries.oneOf(List.of(
        Arbitraries.longs().map(Ping::new),
        Combinators.combine(Arbitraries.longs(), nodes().optional()).as(Pong::new),
        Arbitraries.just(new Ack()),
        Arbitraries.strings().ofMaxLength(100).map(Failure::new),
        Combinators.combine(stores(), keys()).as(ReplicaGet::new),
        Combinators.combine(stores(), keys()).as((s, k) -> new ReplicaDigest(new ReplicaGet(s, k))),
        versionSets().map(ReplicaGetReply::new),
        Combinators.combine(stores(), keys(), versionSets(), nodes().optional()).as(ReplicaPut::new),
        Combinators.combine(stores(), keys(), versionSets(), keys().optional(),
            Arbitraries.integers().between(1, 255), Arbitraries.integers().between(1, 1_000_000))
            .as((s, k, v, value, n, t) -> CoordinatePut.of(s, k, v.context(), value, n, 1 + t % n, t, t * 31L)),
        Combinators.combine(stores(), keys(), keys(), Arbitraries.integers().between(1, 255),
            Arbitraries.integers().between(1, 1_000_000))
            .as((s, k, op, n, t) -> CoordinatePut.operation(s, k, op, n, 1 + t % n, t, t * 17L)),
        versionSets().map(CoordinatePutReply::new),
        Combinators.combine(stores(), keys(), Arbitraries.integers().between(1, 255), Arbitraries.integers().between(1, 1_000_000))
            .as((s, k, n, t) -> new CoordinateGet(s, k, n, 1 + t % n, t)),
        Combinators.combine(stores(), keys(), Arbitraries.integers().between(1, 255)).as(PrimaryGet::new),
        Combinators.combine(stores(), keys(), Arbitraries.integers().between(1, 255))
            .as((s, k, n) -> new PrimaryDigest(new PrimaryGet(s, k, n))),
        Arbitraries.longs().map(SetDigest::new),
        Combinators.combine(stores(), keys(), keys(), Arbitraries.integers().between(1, 10_000),
            Arbitraries.integers().between(1, 255), Arbitraries.integers().between(1, 1_000_000))
            .as((s, prefix, after, limit, n, t) -> new CoordinateScan(s, Bytes.of(prefix), Bytes.of(after), limit, n,
                1 + t % n, t)),
        entries().list().ofMaxSize(5).map(MergeBatch::new),
        Combinators.combine(stores(), Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 128),
            Arbitraries.integers().between(128, 256), Arbitraries.integers().between(0, 255), optionalKey,
            Arbitraries.integers().between(1, 10_000))
            .as(PartitionScan::of),
        Combinators.combine(stores(), Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 255),
            keys(), keys(), Arbitraries.integers().between(1, 10_000))
            .as(PartitionScan::ofPrefix),
        Combinators.combine(entries().list().ofMaxSize(5), Arbitraries.of(true, false)).as(PartitionChunk::new),
        Combinators.combine(stores(), Arbitraries.integers().between(0, 65535)).as(MerkleLeavesRequest::new),
        Arbitraries.longs().array(long[].class).ofSize(KeySpace.SEGMENTS_PER_PARTITION).map(MerkleLeavesReply::new),
        Combinators.combine(nodes(), members().list().ofMaxSize(4), rings(), rings()).as(Gossip::new),
        Combinators.combine(nodes(), Combinators.combine(nodes(), Arbitraries.longs(), Arbitraries.of(true, false),
                Arbitraries.longs().greaterOrEqual(0)).as(MemberDigest::new).list().ofMaxSize(4), ringIds(), ringIds())
            .as(GossipDigest::new),
        Combinators.combine(members().list().ofMaxSize(4), rings(), rings(), nodes().list().ofMaxSize(3),
            Arbitraries.of(true, false)).as(GossipDelta::new),
        Arbitraries.just(new ListStores()),
        stores().map(DropStore::new),
        stores().list().ofMaxSize(4).map(StoreNames::new),
        ringIds().map(id -> new RingQuery(id.version(), id.fingerprint()))));
  }

  @Provide
  Arbitrary<Frame> frames() {
    return Combinators.combine(Arbitraries.longs().greaterOrEqual(0), Arbitraries.of(true, false), messages())
        .as(Frame::new);
  }

  @Property(tries = 2000)
  void everyFrameRoundTrips(@ForAll("frames") Frame frame) {
    byte[] bytes = FrameCodec.encode(frame);
    Frame decoded = FrameCodec.decode(bytes);
    assertThat(decoded).isEqualTo(frame);
    assertThat(FrameCodec.encode(decoded)).isEqualTo(bytes);
  }

  /**
   * A decoded frame keeps nothing of the bytes it was decoded from: the transport decodes every
   * frame from one reused array, so a view into it would change under a message still in use.
   */
  @Property(tries = 1000)
  void aDecodedFrameOwnsItsBytes(@ForAll("frames") Frame frame) {
    byte[] bytes = FrameCodec.encode(frame);
    byte[] reused = new byte[bytes.length + 3];
    System.arraycopy(bytes, 0, reused, 3, bytes.length);
    Frame decoded = FrameCodec.decode(new ByteReader(reused, 3, bytes.length));
    java.util.Arrays.fill(reused, (byte) 0x5A);
    assertThat(FrameCodec.encode(decoded)).isEqualTo(bytes);
    assertThat(decoded).isEqualTo(frame);
  }

  @Example
  void theGeneratorCoversEveryMessageType() {
    Set<MessageType> seen = EnumSet.noneOf(MessageType.class);
    Random random = new Random(3);
    messages().generator(100).stream(random).limit(3000).forEach(s -> seen.add(s.value().type()));
    assertThat(seen).containsExactlyInAnyOrder(MessageType.values());
  }

  @Property(tries = 150)
  void truncatedOrMutatedFramesFailOnlyWithDecodeException(@ForAll("frames") Frame frame, @ForAll long seed) {
    byte[] good = FrameCodec.encode(frame);
    Random random = new Random(seed);
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> FrameCodec.decode(truncated)).isInstanceOf(DecodeException.class);
    }
    for (int i = 0; i < 30; i++) {
      byte[] mutated = good.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
      }
      decodesOrRejects(mutated);
    }
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> FrameCodec.decode(longer)).isInstanceOf(DecodeException.class)
        .hasMessageContaining("trailing");
  }

  @Property(tries = 3000)
  void randomBytesFailOnlyWithDecodeException(@ForAll @Size(max = 300) byte[] bytes) {
    decodesOrRejects(bytes);
    if (bytes.length >= 3) {
      bytes[0] = FrameCodec.PROTOCOL_VERSION;
      bytes[1] = 0;
      decodesOrRejects(bytes);
    }
  }

  private static void decodesOrRejects(byte[] bytes) {
    try {
      Frame f = FrameCodec.decode(bytes);
      assertThat(FrameCodec.encode(f)).isEqualTo(bytes);
    } catch (DecodeException expected) {
      // the one failure allowed
    }
  }

  @Test
  void unknownVersionsAndTypesAreNamed() {
    byte[] ping = FrameCodec.encode(Frame.request(1, new Ping(5)));
    byte[] v2 = ping.clone();
    v2[0] = 2;
    assertThatThrownBy(() -> FrameCodec.decode(v2)).isInstanceOf(DecodeException.class)
        .hasMessageContaining("protocol version : 2 (expected: 1)");
    byte[] unknown = ping.clone();
    unknown[2] = (byte) 200;
    assertThatThrownBy(() -> FrameCodec.decode(unknown)).isInstanceOf(DecodeException.class)
        .hasMessageContaining("message type : 200");
  }

  @Test
  void declaredCountsLargerThanTheInputAreRejectedWithoutAllocating() {
    List<Byte> frame = new ArrayList<>(List.of((byte) 1, (byte) 0, (byte) MessageType.MERGE_BATCH.id(), (byte) 0));
    for (byte b : new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}) {
      frame.add(b);
    }
    byte[] bytes = new byte[frame.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = frame.get(i);
    }
    assertThatThrownBy(() -> FrameCodec.decode(bytes)).isInstanceOf(DecodeException.class)
        .hasMessageContaining("entry count");
  }

  @Test
  void recordsCopyTheirArraysAndPrintThemDeterministically() {
    byte[] key = {1, 2, 3};
    ReplicaGet get = new ReplicaGet("s", key);
    key[0] = 9;
    assertThat(get.key().toArray()).containsExactly(1, 2, 3);
    assertThat(get).hasToString("ReplicaGet[store=s, key=010203]").isEqualTo(new ReplicaGet("s", new byte[] {1, 2, 3}));
  }
}
