package io.dynamokv.internal.wire;

import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.DecodeException;
import java.util.function.Function;

/**
 * The names (store names, node ids) decoded lately, by their encoding, so that a name seen before
 * decodes to the very object it decoded to then: no new string, no validation again, and a hash
 * already computed for the maps it is looked up in. A node reads a store name and a node id in
 * every request, and a cluster has few of each.
 *
 * <p>Sixteen slots, each picked from the encoding's length prefix and last byte; a new name
 * replaces the one in its slot. A name is found only when the next bytes equal a remembered
 * encoding exactly, bytes that decoded without error to that value before, so the result is the
 * one full decoding would give.
 *
 * <p>Thread-safe: slots are written and read without locks; an entry's fields are final, so a
 * thread sees a whole entry or an older one, and at worst decodes in full.
 *
 * @param <T> what a name decodes to
 */
final class KnownNames<T> {

  private record Known<T>(byte[] encoded, T value) {}

  private static final int SLOTS = 16;
  // A name this long or longer has a two-byte length prefix: never remembered.
  private static final int MAX_NAME_BYTES = 127;

  private final String what;
  private final int maxBytes;
  private final Function<String, T> parse;
  @SuppressWarnings("unchecked")
  private final Known<T>[] known = new Known[SLOTS];

  /**
   * @param what what the names are, for a decoding failure's message
   * @param maxBytes the longest name accepted, in UTF-8 bytes
   * @param parse makes the value of a name; an {@link IllegalArgumentException} from it fails the decoding
   */
  KnownNames(String what, int maxBytes, Function<String, T> parse) {
    this.what = what;
    this.maxBytes = maxBytes;
    this.parse = parse;
  }

  /** Reads a length-prefixed UTF-8 name and returns its value. */
  T read(ByteReader in) {
    int length = in.peek(0);
    int slot = length >= 1 && length <= MAX_NAME_BYTES ? slot(length, in.peek(length)) : -1;
    if (slot >= 0) {
      Known<T> k = known[slot];
      if (k != null && in.skipIfNext(k.encoded)) {
        return k.value;
      }
    }
    int at = in.position();
    String name = in.readString(what, maxBytes);
    T value;
    try {
      value = parse.apply(name);
    } catch (IllegalArgumentException e) {
      throw new DecodeException(what + ": " + e.getMessage(), at);
    }
    if (slot >= 0) {
      known[slot] = new Known<>(in.copySince(at), value);
    }
    return value;
  }

  private static int slot(int length, int lastByte) {
    return (length * 31 + lastByte) & (SLOTS - 1);
  }
}
