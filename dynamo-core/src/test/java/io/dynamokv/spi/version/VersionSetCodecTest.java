package io.dynamokv.spi.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Context;
import io.dynamokv.spi.version.ReplicaModel.Kind;
import io.dynamokv.spi.version.ReplicaModel.Step;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The binary forms of version sets and contexts: round trips, canonical bytes, and bad input. */
class VersionSetCodecTest {

  @Provide
  Arbitrary<VersionSet> versionSets() {
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 2),
            Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 2))
        .as(Step::new);
    return Combinators.combine(step.list().ofMaxSize(25), Arbitraries.integers().between(0, 2))
        .as((history, replica) -> {
          ReplicaModel m = new ReplicaModel(3);
          history.forEach(m::apply);
          return m.replicas.get(replica);
        });
  }

  @Property
  void roundTrips(@ForAll("versionSets") VersionSet set) {
    byte[] bytes = VersionSetCodec.encode(set);
    assertThat(VersionSetCodec.decode(bytes)).isEqualTo(set);
    assertThat(VersionSetCodec.encode(VersionSetCodec.decode(bytes))).isEqualTo(bytes);
  }

  /**
   * A set decoded sharing its array is the set decoded with copies: equal, with equal hashes and
   * values, read through every view of a sibling's bytes, and encoded back to the same bytes.
   */
  @Property
  void aSetDecodedSharingItsArrayIsTheSetDecodedWithCopies(@ForAll("versionSets") VersionSet set) {
    byte[] bytes = VersionSetCodec.encode(set);
    VersionSet shared = VersionSetCodec.decodeSharing(bytes.clone());
    assertThat(shared).isEqualTo(set).hasSameHashCodeAs(set);
    assertThat(set).isEqualTo(shared);
    assertThat(VersionSetCodec.encode(shared)).isEqualTo(bytes);
    for (int i = 0; i < set.siblings().size(); i++) {
      Sibling copied = set.siblings().get(i);
      Sibling sharing = shared.siblings().get(i);
      assertThat(sharing.value()).isEqualTo(copied.value());
      assertThat(sharing.valueLength()).isEqualTo(copied.valueLength());
      assertThat(sharing.valueView()).isEqualTo(copied.valueView());
      assertThat(sharing.valueReader().readBytes(sharing.valueLength(), "value")).isEqualTo(copied.value());
      assertThat(sharing.toString()).isEqualTo(copied.toString());
    }
  }

  @Property
  void contextsRoundTrip(@ForAll("versionSets") VersionSet set) {
    Context ctx = Context.of(set.context());
    assertThat(Context.fromBytes(ctx.toBytes())).isEqualTo(ctx);
  }

  @Property
  void randomBytesFailOnlyWithDecodeException(@ForAll @Size(max = 200) byte[] bytes) {
    assertDecodesOrRejects(bytes);
    byte[] withFormat = bytes.clone();
    if (withFormat.length > 0) {
      withFormat[0] = VersionSetCodec.FORMAT_1;
    }
    assertDecodesOrRejects(withFormat);
  }

  @Property(tries = 300)
  void truncatedAndMutatedEncodingsFailOnlyWithDecodeException(
      @ForAll("versionSets") VersionSet set, @ForAll long seed) {
    byte[] good = VersionSetCodec.encode(set);
    Random random = new Random(seed);
    for (int cut = 0; cut < good.length; cut++) {
      byte[] truncated = Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> VersionSetCodec.decode(truncated)).isInstanceOf(DecodeException.class);
    }
    for (int i = 0; i < 20; i++) {
      byte[] mutated = good.clone();
      mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
      assertDecodesOrRejects(mutated);
    }
  }

  private static void assertDecodesOrRejects(byte[] bytes) {
    try {
      VersionSet decoded = VersionSetCodec.decode(bytes);
      // Whatever decodes is a valid set, and re-encodes to the same bytes (canonical form).
      assertThat(VersionSetCodec.encode(decoded)).isEqualTo(bytes);
    } catch (DecodeException expected) {
      // the one failure allowed
    }
    try {
      VersionSetCodec.decodeVector(bytes);
    } catch (DecodeException expected) {
      // likewise
    }
  }

  @Test
  void hugeDeclaredLengthsDoNotAllocate() {
    // format 1, zero actors, then a sibling count of 2^31 - 1
    byte[] bytes = {1, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    assertThatThrownBy(() -> VersionSetCodec.decode(bytes))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("sibling count");
  }

  @Test
  void unknownFormatIsNamed() {
    assertThatThrownBy(() -> VersionSetCodec.decode(new byte[] {9, 0, 0}))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("format : 9 (expected: 1)");
  }

  @Test
  void theEmptySetIsThreeBytes() {
    assertThat(VersionSetCodec.encode(VersionSet.EMPTY)).containsExactly(1, 0, 0);
    assertThat(List.of(VersionSetCodec.decode(new byte[] {1, 0, 0}))).containsExactly(VersionSet.EMPTY);
  }
}
