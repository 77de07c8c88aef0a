package io.dynamokv.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.DecodeException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteReaderTest {

  /** Regression: the ASCII fast path read past the end when a length claimed more than remained. */
  @Test
  void aStringLongerThanWhatRemainsIsADecodeException() {
    byte[] bytes = {4, 'a', 'b', 'c'}; // claims 4 bytes, 3 follow
    assertThatThrownBy(() -> new ByteReader(bytes).readString("name", 100))
        .isInstanceOf(DecodeException.class).hasMessageContaining("need 4 bytes, 3 remain");
  }

  @Test
  void asciiAndOtherUtf8AndMalformedUtf8() {
    ByteWriter w = new ByteWriter(16).writeString("plain").writeString("grüße");
    ByteReader r = new ByteReader(w.toByteArray());
    assertThat(r.readString("a", 100)).isEqualTo("plain");
    assertThat(r.readString("b", 100)).isEqualTo("grüße");
    byte[] bad = {2, (byte) 0xC3, (byte) 0x28};
    assertThatThrownBy(() -> new ByteReader(bad).readString("c", 100))
        .isInstanceOf(DecodeException.class).hasMessageContaining("not valid UTF-8");
    assertThat("grüße".getBytes(StandardCharsets.UTF_8)).hasSize(7);
  }

  @Test
  void overlongVarintsAreRejected() {
    assertThatThrownBy(() -> new ByteReader(new byte[] {(byte) 0x80, 0}).readVarLong("n"))
        .isInstanceOf(DecodeException.class).hasMessageContaining("shortest form");
  }

  @Test
  void aLengthErrorNamesTheLengthOfTheField() {
    byte[] tooLong = new ByteWriter(4).writeVarInt(200).toByteArray();
    assertThatThrownBy(() -> new ByteReader(tooLong).readString("node id", 100))
        .isInstanceOf(DecodeException.class).hasMessage("node id length : 200 (expected: 0..100) (at byte 0)");
    assertThatThrownBy(() -> new ByteReader(new byte[0]).readLengthPrefixed("value", 100))
        .isInstanceOf(DecodeException.class).hasMessageStartingWith("value length: need 1 bytes, 0 remain");
  }

  @Test
  void peekAndSkipIfNextReadNothingUnlessTheBytesMatch() {
    ByteReader in = new ByteReader(new byte[] {9, 1, 2, 3, (byte) 0xFF}, 1, 4);
    assertThat(in.peek(0)).isEqualTo(1);
    assertThat(in.peek(3)).isEqualTo(255);
    assertThat(in.peek(4)).isEqualTo(-1);
    assertThat(in.peek(-1)).isEqualTo(-1);
    assertThat(in.skipIfNext(new byte[] {1, 2, 4})).isFalse();
    assertThat(in.skipIfNext(new byte[] {1, 2, 3, (byte) 0xFF, 0})).isFalse(); // past the end
    assertThat(in.position()).isEqualTo(1);
    assertThat(in.skipIfNext(new byte[] {1, 2})).isTrue();
    assertThat(in.position()).isEqualTo(3);
    assertThat(in.copySince(1)).containsExactly(1, 2);
    assertThatThrownBy(() -> in.copySince(4)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
