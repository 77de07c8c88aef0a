package io.dynamokv.spi.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.NodeId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Decoding through the remembered actor encodings gives exactly what full decoding gives: an
 * actor is recognised only by all of its bytes, even when another actor shares its slot.
 */
class KnownActorsTest {

  private static VersionVector vector(ActorId... actors) {
    Map<ActorId, Long> counters = new TreeMap<>();
    for (ActorId a : actors) {
      counters.put(a, 7L);
    }
    return VersionVector.of(counters);
  }

  private static ActorId actor(String node, long incarnation) {
    return ActorId.of(NodeId.of(node), incarnation);
  }

  /**
   * Pairs chosen to share a slot (same name length, last name byte and last incarnation byte)
   * and differ in one byte elsewhere: a match on part of the bytes would return the wrong one.
   */
  @Test
  void anActorSharingASlotWithAKnownOneIsStillDecodedAsItself() {
    long incarnation = 0x0102030405060708L;
    List<ActorId> sameSlot = List.of(
        actor("node-1", incarnation),
        actor("node-1", incarnation ^ 0x0000FF0000000000L),
        actor("nade-1", incarnation),
        actor("node-1", incarnation ^ 0x8000000000000000L));
    for (int round = 0; round < 3; round++) {
      for (ActorId a : sameSlot) {
        VersionVector decoded = VersionSetCodec.decodeVector(VersionSetCodec.encodeVector(vector(a)));
        assertThat(decoded.actorAt(0)).isEqualTo(a);
      }
    }
  }

  /** The built-in types' states name actors through readActor: the same bytes, the same object as in a vector. */
  @Test
  void anActorReadOnItsOwnIsTheOneItsVectorDecodedTo() {
    ActorId inVector = VersionSetCodec.decodeVector(expectedVector(actor("node-4", 99))).actorAt(0);
    ByteWriter out = new ByteWriter(32);
    VersionSetCodec.writeActor(out, actor("node-4", 99));
    out.writeByte(7);
    ByteReader in = new ByteReader(out.toByteArray());
    assertThat(VersionSetCodec.readActor(in)).isSameAs(inVector);
    assertThat(in.readUnsignedByte("after")).isEqualTo(7);
  }

  @Test
  void anActorWithAnInvalidNodeIdFailsAsADecodeError() {
    ByteWriter out = new ByteWriter(32);
    out.writeString("bad\u0001node").writeLong(1);
    assertThatThrownBy(() -> VersionSetCodec.readActor(new ByteReader(out.toByteArray())))
        .isInstanceOf(DecodeException.class).hasMessageContaining("control character");
  }

  /** Written by hand, a context of one actor with counter 7. */
  private static byte[] expectedVector(ActorId a) {
    ByteWriter w = new ByteWriter(64);
    w.writeByte(VersionSetCodec.FORMAT_1).writeVarInt(1).writeString(a.node().value()).writeLong(a.incarnation()).writeVarLong(7);
    return w.toByteArray();
  }

  @Test
  void aKnownActorIsEncodedAsItsRememberedBytesAndNoOtherActorIs() {
    long incarnation = 0x0A0B0C0D0E0F1011L;
    ActorId known = VersionSetCodec.decodeVector(expectedVector(actor("node-3", incarnation))).actorAt(0);
    List<ActorId> actors = List.of(known, actor("node-3", incarnation),
        actor("node-3", incarnation ^ 0x00FF000000000000L), actor("nade-3", incarnation));
    for (ActorId a : actors) {
      assertThat(VersionSetCodec.encodeVector(vector(a))).as("%s", a).isEqualTo(expectedVector(a));
    }
  }

  @Test
  void aKnownActorFollowedByBadBytesStillFails() {
    ActorId a = actor("node-2", 42);
    byte[] good = VersionSetCodec.encodeVector(vector(a));
    VersionSetCodec.decodeVector(good); // now known
    byte[] zeroCounter = good.clone();
    zeroCounter[zeroCounter.length - 1] = 0; // the counter, which must be >= 1
    assertThatThrownBy(() -> VersionSetCodec.decodeVector(zeroCounter))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("counter of node-2#2a");
    byte[] truncated = Arrays.copyOf(good, good.length - 1);
    assertThatThrownBy(() -> VersionSetCodec.decodeVector(truncated)).isInstanceOf(DecodeException.class);
  }

  @Provide
  Arbitrary<List<ActorId>> actors() {
    // Few names and incarnations, many collisions in the sixteen slots.
    Arbitrary<String> names = Arbitraries.of("a", "node-1", "node-2", "nade-1", "x".repeat(127), "y".repeat(128), "n\u00e9");
    Arbitrary<Long> incarnations = Arbitraries.of(1L, 2L, 0x101L, 0x0100000000000001L, -1L);
    return Combinators.combine(names, incarnations).as(KnownActorsTest::actor).list().ofMinSize(1).ofMaxSize(6);
  }

  @Property(tries = 500)
  void vectorsOfCollidingActorsRoundTrip(@ForAll("actors") List<ActorId> actors) {
    VersionVector v = vector(actors.toArray(ActorId[]::new));
    byte[] bytes = VersionSetCodec.encodeVector(v);
    assertThat(VersionSetCodec.decodeVector(bytes)).isEqualTo(v);
    assertThat(VersionSetCodec.decodeVector(bytes)).isEqualTo(v);
  }
}
