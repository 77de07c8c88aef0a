package io.dynamokv.internal.wire;

import io.dynamokv.spi.version.ByteWriter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable string of bytes (a key, a value, a scan's resume point) inside a message record:
 * it copies what it is given and what it hands out, compares by content, and shows itself the
 * same way in every run, so a record holding one gets correct {@code equals}, {@code hashCode}
 * and {@code toString} for free.
 */
public final class Bytes {

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Returns a copy of {@code bytes}. */
  public static Bytes of(byte[] bytes) {
    return new Bytes(Objects.requireNonNull(bytes, "bytes").clone());
  }

  /** Returns a copy of the bytes. */
  public byte[] toArray() {
    return bytes.clone();
  }

  /** Returns how many bytes there are. */
  public int length() {
    return bytes.length;
  }

  /** Writes the bytes, after their length, to {@code out} (without a copy). */
  public void writeLengthPrefixedTo(ByteWriter out) {
    out.writeLengthPrefixed(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Shows up to 32 bytes in hex, then the length: deterministic, unlike an array's default text. */
  @Override
  public String toString() {
    return bytes.length <= 32
        ? HexFormat.of().formatHex(bytes)
        : HexFormat.of().formatHex(bytes, 0, 32) + "..(" + bytes.length + " bytes)";
  }
}
