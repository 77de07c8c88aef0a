package io.dynamokv.storage.rocksdb;

import io.dynamokv.NodeId;
import io.dynamokv.spi.StorageKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte layout of keys in each column family. Big-endian prefixes make RocksDB's byte order
 * the order the SPI promises, so one partition, and one segment of it, is one contiguous range.
 *
 * <pre>
 * data:   store id (4) | partition (2) | segment (1) | key bytes
 * merkle: store id (4) | partition (2)   -&gt; the partition's leaves, saved on a clean close
 * hints:  target length (1) | target UTF-8 | data key
 * meta:   UTF-8 name
 * </pre>
 *
 * Stateless.
 */
final class KeyLayout {

  static final int PARTITION_PREFIX = 6;
  static final int SEGMENT_PREFIX = 7;

  private KeyLayout() {}

  static byte[] dataKey(int storeId, StorageKey key) {
    byte[] out = new byte[SEGMENT_PREFIX + key.keyLength()];
    writePrefix(out, 0, storeId, key.partition(), key.segment());
    key.copyKeyTo(out, SEGMENT_PREFIX);
    return out;
  }

  static byte[] partitionPrefix(int storeId, int partition) {
    byte[] out = new byte[PARTITION_PREFIX];
    writeInt(out, 0, storeId);
    out[4] = (byte) (partition >>> 8);
    out[5] = (byte) partition;
    return out;
  }

  static byte[] storePrefix(int storeId) {
    byte[] out = new byte[4];
    writeInt(out, 0, storeId);
    return out;
  }

  /** The first key of {@code segment}, or for segment 256 the first key past the partition. */
  static byte[] segmentStart(int storeId, int partition, int segment) {
    if (segment >= 256) {
      return next(partitionPrefix(storeId, partition));
    }
    byte[] out = new byte[SEGMENT_PREFIX];
    writePrefix(out, 0, storeId, partition, segment);
    return out;
  }

  static StorageKey decodeDataKey(String store, byte[] dataKey, int offset) {
    int partition = ((dataKey[offset + 4] & 0xFF) << 8) | (dataKey[offset + 5] & 0xFF);
    int segment = dataKey[offset + 6] & 0xFF;
    return StorageKey.of(store, partition, segment,
        Arrays.copyOfRange(dataKey, offset + SEGMENT_PREFIX, dataKey.length));
  }

  static int storeIdOf(byte[] dataKey, int offset) {
    return ((dataKey[offset] & 0xFF) << 24) | ((dataKey[offset + 1] & 0xFF) << 16)
        | ((dataKey[offset + 2] & 0xFF) << 8) | (dataKey[offset + 3] & 0xFF);
  }

  static byte[] hintPrefix(NodeId target) {
    byte[] name = target.value().getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[1 + name.length];
    out[0] = (byte) name.length;
    System.arraycopy(name, 0, out, 1, name.length);
    return out;
  }

  static byte[] hintKey(NodeId target, byte[] dataKey) {
    byte[] prefix = hintPrefix(target);
    byte[] out = Arrays.copyOf(prefix, prefix.length + dataKey.length);
    System.arraycopy(dataKey, 0, out, prefix.length, dataKey.length);
    return out;
  }

  /** The target of a hint key, and where its data key starts ({@code 1 + name length}). */
  static NodeId hintTarget(byte[] hintKey) {
    int n = hintKey[0] & 0xFF;
    return NodeId.of(new String(hintKey, 1, n, StandardCharsets.UTF_8));
  }

  /** The least key greater than every key starting with {@code prefix}; null if there is none. */
  static byte[] next(byte[] prefix) {
    byte[] out = prefix.clone();
    for (int i = out.length - 1; i >= 0; i--) {
      if (out[i] != (byte) 0xFF) {
        out[i]++;
        return Arrays.copyOf(out, i + 1);
      }
    }
    return null;
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static void writePrefix(byte[] out, int at, int storeId, int partition, int segment) {
    writeInt(out, at, storeId);
    out[at + 4] = (byte) (partition >>> 8);
    out[at + 5] = (byte) partition;
    out[at + 6] = (byte) segment;
  }

  private static void writeInt(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
  }
}
