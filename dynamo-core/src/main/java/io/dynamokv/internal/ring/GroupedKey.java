package io.dynamokv.internal.ring;

import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.DecodeException;

/**
 * A key placed by another: the members of a group (the elements of one set) are stored under keys
 * of their own, each placed in the ring, and ordered on disk, by the group's key, so that they
 * share one preference list and one Merkle segment, and follow each other in a scan.
 *
 * <pre>
 * byte    0xFF, which no UTF-8 string holds: no key a store's user writes starts with it
 * varint  length of the group key
 * ...     the group key
 * ...     the member
 * </pre>
 *
 * The group's prefix alone (no member) is placed like its members, and sorts before them all.
 */
public final class GroupedKey {

  private static final byte MARKER = (byte) 0xFF;

  private GroupedKey() {}

  /** Returns the prefix shared by the keys of {@code group}'s members: where a scan of them starts. */
  public static byte[] prefix(byte[] group) {
    return of(group, new byte[0]);
  }

  /** Returns the key of {@code member} of {@code group}. */
  public static byte[] of(byte[] group, byte[] member) {
    return new ByteWriter(group.length + member.length + 6).writeByte(MARKER).writeVarInt(group.length)
        .writeBytes(group).writeBytes(member).toByteArray();
  }

  /**
   * Returns the bytes that place {@code key}: its group's key if it is a grouped key, else the key
   * itself (also when it starts with the marker but does not parse as a grouped key, so that any
   * bytes have one placement).
   */
  public static byte[] placing(byte[] key) {
    if (key.length < 2 || key[0] != MARKER) {
      return key;
    }
    ByteReader in = new ByteReader(key, 1, key.length - 1);
    try {
      int length = in.readVarInt("group length", 0, in.remaining() - 1);
      return in.readBytes(length, "group");
    } catch (DecodeException e) {
      return key; // only looks grouped: a key a client sent, placed as it is
    }
  }
}
