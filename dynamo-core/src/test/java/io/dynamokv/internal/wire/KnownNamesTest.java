package io.dynamokv.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.NodeId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.DecodeException;
import org.junit.jupiter.api.Test;

class KnownNamesTest {

  private final KnownNames<NodeId> nodes = new KnownNames<>("node id", NodeId.MAX_UTF8_BYTES, NodeId::new);

  private static ByteReader encoded(String... names) {
    ByteWriter out = new ByteWriter(64);
    for (String name : names) {
      out.writeString(name);
    }
    out.writeByte(7); // what follows must be left for the next read
    return new ByteReader(out.toByteArray());
  }

  @Test
  void aNameSeenBeforeDecodesToTheSameObjectAndReadsExactlyItsBytes() {
    NodeId first = nodes.read(encoded("n1"));
    ByteReader again = encoded("n1");
    assertThat(nodes.read(again)).isSameAs(first);
    assertThat(again.readUnsignedByte("after")).isEqualTo(7);
  }

  @Test
  void namesSharingASlotDecodeToThemselves() {
    // Same length, same last byte: one slot, so each replaces the other.
    ByteReader in = encoded("a1", "b1", "a1", "b1");
    assertThat(nodes.read(in)).isEqualTo(NodeId.of("a1"));
    assertThat(nodes.read(in)).isEqualTo(NodeId.of("b1"));
    assertThat(nodes.read(in)).isEqualTo(NodeId.of("a1"));
    assertThat(nodes.read(in)).isEqualTo(NodeId.of("b1"));
    assertThat(in.readUnsignedByte("after")).isEqualTo(7);
  }

  @Test
  void aPrefixOfARememberedNameIsNotMistakenForIt() {
    nodes.read(encoded("node-1"));
    ByteReader in = encoded("node-", "1");
    assertThat(nodes.read(in)).isEqualTo(NodeId.of("node-"));
    assertThat(nodes.read(in)).isEqualTo(NodeId.of("1"));
  }

  @Test
  void anInvalidNameFailsEveryTimeAsADecodeError() {
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> nodes.read(encoded("bad\u0001id")))
          .isInstanceOf(DecodeException.class)
          .hasMessageContaining("node id")
          .hasMessageContaining("control character");
    }
  }
}
