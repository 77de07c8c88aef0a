package io.dynamokv.internal.wire;

import java.util.HexFormat;

/** Shows the byte arrays inside message records as text that is the same in every run. */
final class WireBytes {

  private WireBytes() {}

  /** Shows up to 32 bytes in hex, then the length: deterministic, unlike an array's default text. */
  static String show(byte[] b) {
    return b.length <= 32
        ? HexFormat.of().formatHex(b)
        : HexFormat.of().formatHex(b, 0, 32) + "..(" + b.length + " bytes)";
  }
}
