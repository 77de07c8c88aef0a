package io.dynamokv.spi;

import io.dynamokv.internal.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where a key lives: its store, its partition and Merkle segment, and its bytes. Engines keep
 * keys in this order, so one partition, and one segment within it, is a contiguous range.
 *
 * <p>Immutable: the key bytes are copied in; {@link #key()} returns a copy.
 */
public final class StorageKey implements Comparable<StorageKey> {

  /** The longest store name, in UTF-8 bytes. */
  public static final int MAX_STORE_NAME_BYTES = 255;

  /** The most partitions a ring may have: partition numbers are below it. */
  public static final int MAX_PARTITIONS = 1 << 16;

  /** The longest key any engine accepts; the node's configured limit is usually lower. */
  public static final int MAX_KEY_BYTES = 64 * 1024;

  private static final Comparator<StorageKey> ORDER = Comparator.comparing(StorageKey::store)
      .thenComparingInt(StorageKey::partition)
      .thenComparingInt(StorageKey::segment)
      .thenComparing((a, b) -> Arrays.compareUnsigned(a.key, b.key));

  private final String store;
  private final int partition;
  private final int segment;
  private final byte[] key;

  private StorageKey(String store, int partition, int segment, byte[] key) {
    this.store = store;
    this.partition = partition;
    this.segment = segment;
    this.key = key;
  }

  /** Returns the storage key with the given parts, validating them. */
  public static StorageKey of(String store, int partition, int segment, byte[] key) {
    validateStore(store);
    Objects.requireNonNull(key, "key");
    if (partition < 0 || partition >= MAX_PARTITIONS) {
      throw new IllegalArgumentException("partition : " + partition + " (expected: 0.." + (MAX_PARTITIONS - 1) + ")");
    }
    if (segment < 0 || segment >= StorageEngine.SEGMENTS_PER_PARTITION) {
      throw new IllegalArgumentException("segment : " + segment + " (expected: 0.." + (StorageEngine.SEGMENTS_PER_PARTITION - 1) + ")");
    }
    if (key.length == 0 || key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key length : " + key.length + " (expected: 1.." + MAX_KEY_BYTES + ")");
    }
    return new StorageKey(store, partition, segment, key.clone());
  }

  /**
   * Checks a store name: 1 to 255 bytes of UTF-8, and valid Unicode (no unpaired surrogate,
   * which UTF-8 cannot hold: two such names would share one store's data).
   */
  public static String validateStore(String store) {
    Objects.requireNonNull(store, "store");
    Utf8.requireWellFormed("store name", store);
    if (!store.isEmpty() && store.length() * 3 <= MAX_STORE_NAME_BYTES) {
      return store; // short enough in any encoding (at most 3 UTF-8 bytes a char): no need to encode it
    }
    int n = store.getBytes(StandardCharsets.UTF_8).length;
    if (n == 0 || n > MAX_STORE_NAME_BYTES) {
      throw new IllegalArgumentException("store name length : " + n + " bytes (expected: 1.." + MAX_STORE_NAME_BYTES + ")");
    }
    return store;
  }

  /** Returns the store's name. */
  public String store() {
    return store;
  }

  /** Returns the partition. */
  public int partition() {
    return partition;
  }

  /** Returns the Merkle segment within the partition. */
  public int segment() {
    return segment;
  }

  /** Returns a copy of the key's bytes. */
  public byte[] key() {
    return key.clone();
  }

  /** Returns the key's length in bytes. */
  public int keyLength() {
    return key.length;
  }

  /** Writes the key's bytes into {@code dest} at {@code offset}, without an intermediate copy. */
  public void copyKeyTo(byte[] dest, int offset) {
    System.arraycopy(key, 0, dest, offset, key.length);
  }

  @Override
  public int compareTo(StorageKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StorageKey k
        && partition == k.partition
        && segment == k.segment
        && store.equals(k.store)
        && Arrays.equals(key, k.key);
  }

  @Override
  public int hashCode() {
    return (store.hashCode() * 31 + partition) * 31 + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    String shown = key.length <= 32
        ? HexFormat.of().formatHex(key)
        : HexFormat.of().formatHex(key, 0, 32) + "..(" + key.length + " bytes)";
    return store + "/p" + partition + "/s" + segment + "/" + shown;
  }
}
