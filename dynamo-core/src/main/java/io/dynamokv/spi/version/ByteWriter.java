package io.dynamokv.spi.version;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends primitives to a growable byte array, with unsigned LEB128 varints for counts and
 * counters. Not thread-safe: one writer per encoding.
 */
public final class ByteWriter {

  private byte[] buf;
  private int size;

  /** Creates a writer with room for {@code initialCapacity} bytes before it grows. */
  public ByteWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int more) {
    int needed = size + more;
    if (needed < 0) {
      throw new IllegalStateException("encoding exceeds 2 GiB");
    }
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
  }

  /** Appends one byte. */
  public ByteWriter writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  /** Appends eight bytes, big-endian. */
  public ByteWriter writeLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  /** Appends {@code v} as an unsigned varint (1 to 10 bytes). */
  public ByteWriter writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
    return this;
  }

  /** Appends a non-negative int as a varint. */
  public ByteWriter writeVarInt(int v) {
    if (v < 0) {
      throw new IllegalArgumentException("varint : " + v + " (expected: >= 0)");
    }
    return writeVarLong(v);
  }

  /** Appends the bytes as they are. */
  public ByteWriter writeBytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
    return this;
  }

  /** Appends the remaining bytes of {@code b} without changing its position. */
  public ByteWriter writeBytes(ByteBuffer b) {
    int n = b.remaining();
    ensure(n);
    b.duplicate().get(buf, size, n);
    size += n;
    return this;
  }

  /** Appends a varint length and the bytes. */
  public ByteWriter writeLengthPrefixed(byte[] b) {
    return writeVarInt(b.length).writeBytes(b);
  }

  /** Appends a string as a varint length and its UTF-8 bytes. */
  public ByteWriter writeString(String s) {
    // Names are nearly always ASCII: written straight in, without an encoded copy first.
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return writeLengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
      }
    }
    writeVarInt(n);
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[size++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** Returns the number of bytes written. */
  public int size() {
    return size;
  }

  /** Empties the writer, keeping its buffer: a writer can be reused by one thread for many encodings. */
  public void reset() {
    size = 0;
  }

  /** Returns the length of the buffer, which a reusing owner may cap. */
  public int capacity() {
    return buf.length;
  }

  /** Passes the bytes written, without a copy, to {@code sink} (valid only during the call). */
  public void writeTo(Sink sink) {
    sink.accept(buf, 0, size);
  }

  /** Receives a range of bytes. */
  @FunctionalInterface
  public interface Sink {
    /** Takes {@code length} bytes of {@code bytes} from {@code offset}. */
    void accept(byte[] bytes, int offset, int length);
  }

  /**
   * Returns the writer's own buffer, whose first {@link #size()} bytes are what was written: for
   * a caller that consumes them at once without a copy. Valid until the next write or reset.
   */
  public byte[] array() {
    return buf;
  }

  /** Returns a copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
