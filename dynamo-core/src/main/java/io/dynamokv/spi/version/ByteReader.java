package io.dynamokv.spi.version;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote, checking every length against the bytes that remain so
 * that malformed input fails with a {@link DecodeException} and never allocates more than the
 * input's size. Everything read is copied out (no result is a view of the array), so a caller
 * may reuse the array as soon as it has decoded what it holds. Not thread-safe.
 */
public final class ByteReader {

  private final byte[] buf;
  private final int end;
  private int pos;

  /** Reads all of {@code buf}. */
  public ByteReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /** Reads {@code length} bytes of {@code buf} from {@code offset}. */
  public ByteReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > buf.length) {
      throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + buf.length);
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  /** Returns the current offset in the array. */
  public int position() {
    return pos;
  }

  /** Returns how many bytes are left. */
  public int remaining() {
    return end - pos;
  }

  /** Returns the byte {@code ahead} bytes past the position (0 to 255), or -1 past the end; reads nothing. */
  public int peek(int ahead) {
    return ahead >= 0 && ahead < end - pos ? buf[pos + ahead] & 0xFF : -1;
  }

  /**
   * If the next bytes equal {@code expected}, reads past them and returns true; else reads
   * nothing. Lets a decoder recognise a part it decoded before without decoding it again.
   */
  public boolean skipIfNext(byte[] expected) {
    int n = expected.length;
    if (n > end - pos || !Arrays.equals(buf, pos, pos + n, expected, 0, n)) {
      return false;
    }
    pos += n;
    return true;
  }

  /** Returns a copy of the bytes read since offset {@code start} (an earlier {@link #position()}). */
  public byte[] copySince(int start) {
    if (start < 0 || start > pos) {
      throw new IndexOutOfBoundsException("start " + start + " (expected: 0.." + pos + ")");
    }
    return Arrays.copyOfRange(buf, start, pos);
  }

  private void need(int n, String what) {
    if (n > end - pos) {
      throw new DecodeException(what + ": need " + n + " bytes, " + (end - pos) + " remain", pos);
    }
  }

  /** Reads one unsigned byte. */
  public int readUnsignedByte(String what) {
    need(1, what);
    return buf[pos++] & 0xFF;
  }

  /** Reads a big-endian long. */
  public long readLong(String what) {
    need(8, what);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  /**
   * Reads an unsigned varint of at most ten bytes, in its shortest form only: each value has
   * one encoding, so decoded data re-encodes to the same bytes.
   */
  public long readVarLong(String what) {
    return readVarLong(what, "");
  }

  /**
   * Reads a varint; {@code what + suffix} names it in errors. The two parts are joined only for
   * an error: labels are constants, and joining them on every read cost a string a field.
   */
  private long readVarLong(String what, String suffix) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new DecodeException(what + suffix + ": need 1 bytes, 0 remain", pos);
      }
      int b = buf[pos++] & 0xFF;
      if (b == 0 && shift > 0) {
        throw new DecodeException(what + suffix + ": varint not in its shortest form", pos - 1);
      }
      if (shift == 63 && (b & 0x7E) != 0) {
        throw new DecodeException(what + suffix + ": varint overflows 64 bits", pos - 1);
      }
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new DecodeException(what + suffix + ": varint longer than 10 bytes", pos);
  }

  /** Reads a varint that must lie in {@code [min, max]}. */
  public int readVarInt(String what, int min, int max) {
    return readVarInt(what, "", min, max);
  }

  private int readVarInt(String what, String suffix, int min, int max) {
    int start = pos;
    long v = readVarLong(what, suffix);
    if (v < min || v > max) {
      throw new DecodeException(what + suffix + " : " + Long.toUnsignedString(v) + " (expected: " + min + ".." + max + ")",
          start);
    }
    return (int) v;
  }

  /** Reads a count of items each at least {@code minItemBytes} long, bounded by what remains. */
  public int readCount(String what, int minItemBytes) {
    return readVarInt(what, 0, remaining() / Math.max(1, minItemBytes));
  }

  /** Reads exactly {@code n} bytes. */
  public byte[] readBytes(int n, String what) {
    need(n, what);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  /** Reads a varint length and that many bytes, the length at most {@code maxLength}. */
  public byte[] readLengthPrefixed(String what, int maxLength) {
    int n = readVarInt(what, " length", 0, Math.min(maxLength, remaining()));
    return readBytes(n, what);
  }

  /**
   * Reads a varint length, at most {@code maxLength}, and steps over that many bytes; returns
   * where they start in the array, for a reader that keeps a view of them ({@link #array}).
   */
  int skipLengthPrefixed(String what, int maxLength) {
    int n = readVarInt(what, " length", 0, Math.min(maxLength, remaining()));
    need(n, what);
    int start = pos;
    pos += n;
    return start;
  }

  /** The array read: for a reader in this package that keeps a view of it. */
  byte[] array() {
    return buf;
  }

  /** Reads a varint length and that many bytes of well-formed UTF-8. */
  public String readString(String what, int maxBytes) {
    int start = pos;
    int n = readVarInt(what, " length", 0, maxBytes);
    need(n, what);
    // Names are nearly always ASCII, which needs no decoder: one pass to check, one to copy.
    boolean ascii = true;
    for (int i = pos; i < pos + n; i++) {
      if (buf[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      String s = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
      pos += n;
      return s;
    }
    byte[] b = readBytes(n, what);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new DecodeException(what + ": not valid UTF-8", start);
    }
  }

  /** Fails unless every byte was read. */
  public void expectEnd(String what) {
    if (pos != end) {
      throw new DecodeException(what + ": " + (end - pos) + " unexpected trailing bytes", pos);
    }
  }
}
