package io.dynamokv.antientropy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.ring.KeySpace;
import io.dynamokv.spi.StorageKey;
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
      StorageKey key = StorageKey.of("carts", keySpace, ("key-" + n).getBytes(StandardCharsets.UTF_8));
      assertThat(SegmentDigest.of(key, value)).as("%d bytes", n).isEqualTo(p[1]);
    }
  }
}
