package io.dynamokv.internal.ring;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The 128-bit MD5 hash of a key, as the paper places keys on the ring: {@code high} holds the
 * first eight bytes of the digest (big-endian), {@code low} the last eight. Only placement uses
 * it; nothing relies on MD5 being hard to invert.
 */
public record KeyHash(long high, long low) {

  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide MD5", e);
    }
  });

  /** Hashes {@code key}. */
  public static KeyHash of(byte[] key) {
    Objects.requireNonNull(key, "key");
    MessageDigest md5 = MD5.get();
    byte[] d = md5.digest(key);
    return new KeyHash(bigEndianLong(d, 0), bigEndianLong(d, 8));
  }

  private static long bigEndianLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }
}
