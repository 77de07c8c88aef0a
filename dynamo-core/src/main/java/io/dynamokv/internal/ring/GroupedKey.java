package io.dynamokv.internal.ring;

import java.util.Arrays;
import java.util.Objects;

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
    Objects.requireNonNull(group, "group");
    return of(group, new byte[0]);
  }

  /** Returns the key of {@code member} of {@code group}. */
  public static byte[] of(byte[] group, byte[] member) {
    int head = 1 + varIntLength(group.length);
    byte[] key = new byte[head + group.length + member.length];
    key[0] = MARKER;
    int at = 1;
    for (int v = group.length; ; v >>>= 7) {
      if ((v & ~0x7F) == 0) {
        key[at] = (byte) v;
        break;
      }
      key[at++] = (byte) ((v & 0x7F) | 0x80);
    }
    System.arraycopy(group, 0, key, head, group.length);
    System.arraycopy(member, 0, key, head + group.length, member.length);
    return key;
  }

  /** The bytes a group's key adds to each member's: its marker and length. */
  public static int overhead(int groupLength) {
    return 1 + varIntLength(groupLength);
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
    int length = 0;
    int at = 1;
    for (int shift = 0; shift < 32; shift += 7) {
      if (at == key.length) {
        return key;
      }
      byte b = key[at++];
      length |= (b & 0x7F) << shift;
      if (b >= 0) {
        return length >= 0 && length <= key.length - at ? Arrays.copyOfRange(key, at, at + length) : key;
      }
    }
    return key;
  }

  private static int varIntLength(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }
}
