package io.dynamokv.spi.version;

import io.dynamokv.spi.StorageKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The 64-bit digest of one key's state, the unit a Merkle leaf is made of: a leaf is the XOR of
 * the digests of the keys in its segment, so a write updates it in O(1) by XOR-ing the old
 * digest out and the new one in.
 *
 * <p>The hash is the 64-bit MurmurHash3-style mix (x64 body, fmix64 finalizer), written here so
 * the core needs no dependency; it needs to spread, not to resist an adversary. Stateless.
 */
public final class SegmentDigest {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;
  /** Eight bytes read as one little-endian long: one load where a byte loop took eight. */
  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private SegmentDigest() {}

  /**
   * Returns the digest of {@code key} holding the version set whose canonical encoding is
   * {@code encodedVersionSet}. Two replicas with the same key and set get the same digest.
   */
  public static long of(StorageKey key, byte[] encodedVersionSet) {
    byte[] k = new byte[key.keyLength()];
    key.copyKeyTo(k, 0);
    return of(k, 0, k.length, encodedVersionSet, encodedVersionSet.length);
  }

  /**
   * The digest of {@code key} holding {@code set}, as {@link #of(StorageKey, byte[])} of its
   * encoding, which is made in this thread's buffer rather than an array of its own; 0 for the
   * empty set, which is what a replica holding nothing of the key adds to its leaf.
   */
  public static long of(StorageKey key, VersionSet set) {
    if (set.isEmpty()) {
      return 0;
    }
    ByteWriter out = VersionSetCodec.scratch();
    try {
      VersionSetCodec.writeTo(out, set);
      byte[] k = new byte[key.keyLength()];
      key.copyKeyTo(k, 0);
      return of(k, 0, k.length, out.array(), out.size());
    } finally {
      VersionSetCodec.release(out);
    }
  }

  /**
   * The same digest, for a key whose bytes are {@code keyLength} bytes of {@code keyBytes} from
   * {@code keyOffset} and an encoding that is the first {@code encodedLength} bytes of
   * {@code encoded}: a storage engine holding the key inside its own layout, and the encoding in
   * a reused buffer, needs no copy of either.
   */
  public static long of(byte[] keyBytes, int keyOffset, int keyLength, byte[] encoded, int encodedLength) {
    java.util.Objects.checkFromIndexSize(keyOffset, keyLength, keyBytes.length);
    java.util.Objects.checkFromIndexSize(0, encodedLength, encoded.length);
    long h = hash64(keyBytes, keyOffset, keyLength, 0x9E3779B97F4A7C15L);
    return fmix64(h * 31 + hash64(encoded, 0, encodedLength, h));
  }

  /** Hashes {@code data} with {@code seed}. */
  static long hash64(byte[] data, long seed) {
    return hash64(data, 0, data.length, seed);
  }

  private static long hash64(byte[] data, int offset, int length, long seed) {
    long h = seed ^ (length * C2);
    int i = offset;
    int end = offset + length;
    for (; i + 8 <= end; i += 8) {
      h ^= mixK((long) LITTLE_ENDIAN_LONG.get(data, i));
      h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
    }
    long tail = 0;
    for (int b = end - 1; b >= i; b--) {
      tail = (tail << 8) | (data[b] & 0xFF);
    }
    h ^= mixK(tail);
    h ^= length;
    return fmix64(h);
  }

  private static long mixK(long k) {
    k *= C1;
    k = Long.rotateLeft(k, 31);
    return k * C2;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
