package io.dynamokv.storage.rocksdb;

import java.util.Arrays;

/**
 * The stored bytes, and their Merkle digests, of the keys the writer thread last read or wrote,
 * so that an update of a recently touched key needs no RocksDB read: every replica of a put reads
 * the key's set before it writes (a coordinator to make the new version, a replica to merge), and
 * that read is the largest single cost of a put.
 *
 * <p>Why one byte array and not a map of objects: entries live seconds, long enough for the
 * young collector to copy each of them several times and then promote it; a node writing tens of
 * thousands of sets a second would spend its pauses copying its cache. Here the only objects are
 * the ring and its index, allocated once.
 *
 * <h2>Layout</h2>
 * Entries are appended to a ring: key length (int), stored length (int; -1 for a key known to
 * be absent), room for stored bytes (int), digest (long), the key, the room. An entry that does
 * not fit before the ring's end starts the next lap at offset 0. Positions are absolute (they
 * only grow), so an entry is intact while its position is at least {@code head - capacity}:
 * nothing written since has reached it. The index is set-associative, {@value #WAYS} slots a
 * bucket, each slot the entry's position plus one (0: empty) with a tag of the key's hash in its
 * top byte; a new key takes an empty or overwritten slot, else the bucket's oldest.
 *
 * <p>A key's new bytes overwrite its intact entry when they fit in its room (each entry has a few
 * bytes to spare), and only otherwise go to the ring's head: a key updated again and again holds
 * one entry, not one per update, so the ring holds as many keys as its size allows rather than as
 * many recent updates.
 *
 * <p>Not thread-safe: the writer thread owns it.
 */
final class RecentSets {

  /** Bytes before an entry's key: key length, stored length, room, digest. */
  static final int ENTRY_HEADER = 20;
  private static final int STORED_LENGTH_AT = 4;
  private static final int ROOM_AT = 8;
  private static final int DIGEST_AT = 12;
  // Why 16 and not 4: a key that does not fit its bucket misses, and its new entry at the head
  // overwrites a live one, whose key then misses too, so a few overflowing buckets start chains of
  // misses. With 4 slots a bucket, a working set filling two thirds of the ring missed 23% of its
  // lookups; with 16, 0.1% (RecentSetsTest). A lookup compares a tag byte per slot before any key.
  private static final int WAYS = 16;
  private static final int TAG_SHIFT = 56;
  private static final long POSITION_MASK = (1L << TAG_SHIFT) - 1;
  /** Index slots per byte of ring: one per 128 bytes, a small set's size with its key. */
  private static final int BYTES_PER_SLOT = 128;

  private final byte[] ring;
  private final long[] slots;
  private final int bucketMask;
  private long head;
  private volatile long hits;
  private volatile long misses;
  // The entry the last successful find() found.
  private int foundOffset;
  private int foundLength;
  private long foundDigest;

  /** @param capacityBytes the ring's size; 0 keeps nothing */
  RecentSets(int capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("capacityBytes : " + capacityBytes + " (expected: >= 0)");
    }
    ring = new byte[capacityBytes];
    int buckets = Integer.highestOneBit(Math.max(1, capacityBytes / BYTES_PER_SLOT / WAYS));
    slots = new long[buckets * WAYS];
    bucketMask = buckets - 1;
  }

  /**
   * Looks {@code key} up; if found, {@link #storedOffset}, {@link #storedLength} and
   * {@link #digest} describe its entry until the next call to this cache.
   */
  boolean find(byte[] key) {
    long hash = hash(key);
    int slot = slotOf(key, hash);
    if (slot < 0) {
      misses++;
      return false;
    }
    int offset = offsetOf(slots[slot]);
    foundLength = readInt(offset + STORED_LENGTH_AT);
    foundDigest = readLong(offset + DIGEST_AT);
    foundOffset = offset + ENTRY_HEADER + key.length;
    hits++;
    return true;
  }

  /** The ring holding the found entry's stored bytes; read it before changing this cache. */
  byte[] ring() {
    return ring;
  }

  /** Where the found entry's stored bytes start in {@link #ring()}. */
  int storedOffset() {
    return foundOffset;
  }

  /** The found entry's stored length, or -1 if the key is known to be absent. */
  int storedLength() {
    return foundLength;
  }

  /** The found entry's digest (0 for an absent key). */
  long digest() {
    return foundDigest;
  }

  /**
   * Remembers that {@code key} now holds {@code stored} (null: absent) whose digest is
   * {@code digest}: in the key's entry if the bytes fit its room, else in a new one. An entry
   * larger than an eighth of the ring is not kept (it would push out many small ones); its older
   * entry, if any, is forgotten.
   */
  void remember(byte[] key, byte[] stored, long digest) {
    remember(key, stored, stored == null ? -1 : stored.length, digest);
  }

  /** The same, for stored bytes that are the first {@code storedLength} of {@code stored} (-1 with null: absent). */
  void remember(byte[] key, byte[] stored, int storedLength, long digest) {
    long hash = hash(key);
    int slot = slotOf(key, hash);
    if (slot >= 0) {
      int offset = offsetOf(slots[slot]);
      if (storedLength <= readInt(offset + ROOM_AT)) {
        write(offset, key.length, storedLength, stored, digest);
        return;
      }
    }
    // A little room to spare, so that a set that grows by a byte or two stays in place.
    int room = (Math.max(0, storedLength) + 8) & ~7;
    int length = ENTRY_HEADER + key.length + room;
    if (length > ring.length / 8) {
      if (slot >= 0) {
        slots[slot] = 0;
      }
      return;
    }
    if (slot < 0) {
      slot = freeSlot(hash);
    }
    int offset = (int) (head % ring.length);
    if (offset + length > ring.length) {
      head += ring.length - offset; // the next lap
      offset = 0;
    }
    if (head + length > POSITION_MASK) {
      clear(); // after 2^56 bytes written: start the positions again
      remember(key, stored, storedLength, digest);
      return;
    }
    writeInt(offset + ROOM_AT, room);
    System.arraycopy(key, 0, ring, offset + ENTRY_HEADER, key.length);
    write(offset, key.length, storedLength, stored, digest);
    slots[slot] = (tag(hash) << TAG_SHIFT) | (head + 1);
    head += length;
  }

  private void write(int offset, int keyLength, int storedLength, byte[] stored, long digest) {
    writeInt(offset, keyLength);
    writeInt(offset + STORED_LENGTH_AT, storedLength);
    writeLong(offset + DIGEST_AT, digest);
    if (stored != null) {
      System.arraycopy(stored, 0, ring, offset + ENTRY_HEADER + keyLength, storedLength);
    }
  }

  /** Forgets every entry. */
  void clear() {
    Arrays.fill(slots, 0);
    head = 0;
  }

  /** How many lookups found their key. */
  long hits() {
    return hits;
  }

  /** How many lookups did not. */
  long misses() {
    return misses;
  }

  /** The slot of {@code key}'s intact entry, or -1. */
  private int slotOf(byte[] key, long hash) {
    if (ring.length == 0) {
      return -1;
    }
    int base = bucket(hash);
    long tag = tag(hash);
    for (int i = base; i < base + WAYS; i++) {
      long s = slots[i];
      if (s != 0 && (s >>> TAG_SHIFT) == tag && intact(s) && keyAt(s, key)) {
        return i;
      }
    }
    return -1;
  }

  /** An empty or overwritten slot of {@code hash}'s bucket, else the one of its oldest entry. */
  private int freeSlot(long hash) {
    int base = bucket(hash);
    int oldest = base;
    for (int i = base; i < base + WAYS; i++) {
      long s = slots[i];
      if (s == 0 || !intact(s)) {
        return i;
      }
      if ((s & POSITION_MASK) < (slots[oldest] & POSITION_MASK)) {
        oldest = i;
      }
    }
    return oldest;
  }

  private boolean intact(long slot) {
    return (slot & POSITION_MASK) - 1 >= head - ring.length;
  }

  private int offsetOf(long slot) {
    return (int) (((slot & POSITION_MASK) - 1) % ring.length);
  }

  private boolean keyAt(long slot, byte[] key) {
    int offset = offsetOf(slot);
    return readInt(offset) == key.length
        && Arrays.equals(ring, offset + ENTRY_HEADER, offset + ENTRY_HEADER + key.length, key, 0, key.length);
  }

  private int bucket(long hash) {
    return ((int) (hash >>> 32) & bucketMask) * WAYS;
  }

  private static long tag(long hash) {
    return hash & 0xFF;
  }

  private static long hash(byte[] key) {
    long h = Arrays.hashCode(key) * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29);
  }

  private int readInt(int at) {
    return (ring[at] & 0xFF) << 24 | (ring[at + 1] & 0xFF) << 16 | (ring[at + 2] & 0xFF) << 8 | (ring[at + 3] & 0xFF);
  }

  private long readLong(int at) {
    return (long) readInt(at) << 32 | (readInt(at + 4) & 0xFFFFFFFFL);
  }

  private void writeInt(int at, int v) {
    ring[at] = (byte) (v >>> 24);
    ring[at + 1] = (byte) (v >>> 16);
    ring[at + 2] = (byte) (v >>> 8);
    ring[at + 3] = (byte) v;
  }

  private void writeLong(int at, long v) {
    writeInt(at, (int) (v >>> 32));
    writeInt(at + 4, (int) v);
  }
}
