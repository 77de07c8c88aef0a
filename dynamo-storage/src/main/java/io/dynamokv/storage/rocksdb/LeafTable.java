package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageEngine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The Merkle leaves of every partition, in memory: each write XORs its change into one leaf
 * while it holds its key's lock. The table is saved on a clean close and loaded on the next
 * open; after an unclean stop it is rebuilt from a scan of the data.
 *
 * <p>Thread-safe: leaves are atomic, and a write touches only its own key's contribution.
 */
final class LeafTable {

  private final ConcurrentHashMap<Long, AtomicLongArray> leaves = new ConcurrentHashMap<>();

  static long id(int storeId, int partition) {
    return ((long) storeId << 16) | partition;
  }

  static int storeIdOf(long id) {
    return (int) (id >>> 16);
  }

  static int partitionOf(long id) {
    return (int) (id & 0xFFFF);
  }

  void xor(int storeId, int partition, int segment, long change) {
    xor(id(storeId, partition), segment, change);
  }

  /** As {@link #xor(int, int, int, long)}, for a partition named by {@link #id}. */
  void xor(long partitionId, int segment, long change) {
    if (change != 0) {
      leaves.computeIfAbsent(partitionId, k -> new AtomicLongArray(StorageEngine.SEGMENTS_PER_PARTITION))
          .getAndAccumulate(segment, change, (a, b) -> a ^ b);
    }
  }

  long[] get(int storeId, int partition) {
    long[] out = new long[StorageEngine.SEGMENTS_PER_PARTITION];
    AtomicLongArray a = leaves.get(id(storeId, partition));
    if (a != null) {
      for (int i = 0; i < out.length; i++) {
        out[i] = a.get(i);
      }
    }
    return out;
  }

  void set(int storeId, int partition, long[] values) {
    leaves.put(id(storeId, partition), new AtomicLongArray(values));
  }

  void clear(int storeId, int partition) {
    leaves.remove(id(storeId, partition));
  }

  /** Clears every partition of one store. */
  void clearStore(int storeId) {
    leaves.keySet().removeIf(id -> storeIdOf(id) == storeId);
  }

  /** Returns every partition's leaves, keyed by (store id &lt;&lt; 16 | partition). */
  Map<Long, long[]> snapshot() {
    Map<Long, long[]> out = new java.util.TreeMap<>();
    leaves.forEach((id, a) -> out.put(id, get(storeIdOf(id), partitionOf(id))));
    return out;
  }

  static byte[] encode(long[] values) {
    byte[] out = new byte[values.length * 8];
    for (int i = 0; i < values.length; i++) {
      for (int b = 0; b < 8; b++) {
        out[i * 8 + b] = (byte) (values[i] >>> (56 - 8 * b));
      }
    }
    return out;
  }

  static long[] decode(byte[] bytes) {
    if (bytes.length != StorageEngine.SEGMENTS_PER_PARTITION * 8) {
      throw new IllegalArgumentException("leaf checkpoint : " + bytes.length + " bytes (expected: "
          + StorageEngine.SEGMENTS_PER_PARTITION * 8 + ")");
    }
    long[] out = new long[StorageEngine.SEGMENTS_PER_PARTITION];
    for (int i = 0; i < out.length; i++) {
      long v = 0;
      for (int b = 0; b < 8; b++) {
        v = (v << 8) | (bytes[i * 8 + b] & 0xFF);
      }
      out[i] = v;
    }
    return out;
  }
}
