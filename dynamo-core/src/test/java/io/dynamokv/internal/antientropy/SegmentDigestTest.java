package io.dynamokv.internal.antientropy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.SegmentDigest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Digests are compared between replicas of different builds and saved with the Merkle leaves,
 * so they must never change: these values were computed by the first implementation.
 */
class SegmentDigestTest {

  @Test
  void digestsAreTheSameAsTheFirstImplementationsForEveryTailLength() {
    long[][] pinned = {
      {0, -839779476983464905L},
      {1, 1145677629319991167L},
      {7, 133488559767817071L},
      {8, 5598129267762322134L},
      {9, 2260180486512482572L},
      {15, 570000239091438332L},
      {16, -7897210528443735230L},
      {17, 5455449320839559602L},
      {100, 7753801605447511353L},
      {257, -6667374222187112602L},
    };
    KeySpace keySpace = new KeySpace(8);
    for (long[] p : pinned) {
      int n = (int) p[0];
      byte[] value = new byte[n];
      for (int i = 0; i < n; i++) {
        value[i] = (byte) (i * 31 + 7);
      }
      StorageKey key = keySpace.storageKey("carts", ("key-" + n).getBytes(StandardCharsets.UTF_8));
      assertThat(SegmentDigest.of(key, value)).as("%d bytes", n).isEqualTo(p[1]);
    }
  }

  /** A key read in place from a larger array, at any offset, digests as the key on its own. */
  @Test
  void aKeyInsideALargerArrayDigestsAsTheKeyAlone() {
    KeySpace keySpace = new KeySpace(8);
    byte[] value = "a stored version set".getBytes(StandardCharsets.UTF_8);
    for (int length = 1; length <= 40; length++) {
      byte[] keyBytes = new byte[length];
      for (int i = 0; i < length; i++) {
        keyBytes[i] = (byte) (i * 13 + length);
      }
      long expected = SegmentDigest.of(keySpace.storageKey("s", keyBytes), value);
      for (int offset = 0; offset < 9; offset++) {
        byte[] around = new byte[offset + length + 5];
        java.util.Arrays.fill(around, (byte) 0x7F);
        System.arraycopy(keyBytes, 0, around, offset, length);
        assertThat(SegmentDigest.of(around, offset, length, value, value.length)).as("length %d at %d", length, offset).isEqualTo(expected);
        byte[] longer = java.util.Arrays.copyOf(value, value.length + offset + 3);
        longer[value.length] = 1; // what follows the encoding must not count
        assertThat(SegmentDigest.of(around, offset, length, longer, value.length)).isEqualTo(expected);
      }
    }
  }
}
