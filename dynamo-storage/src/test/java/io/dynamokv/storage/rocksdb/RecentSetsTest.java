package io.dynamokv.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The writer's cache of recent sets: what it finds is always the key's latest, never a stale or torn entry. */
class RecentSetsTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] found(RecentSets cache) {
    return cache.storedLength() < 0 ? null
        : Arrays.copyOfRange(cache.ring(), cache.storedOffset(), cache.storedOffset() + cache.storedLength());
  }

  @Test
  void findsTheLatestStoredBytesAndDigestOfAKey() {
    RecentSets cache = new RecentSets(4096);
    assertThat(cache.find(bytes("k"))).isFalse();
    cache.remember(bytes("k"), bytes("one"), 11);
    cache.remember(bytes("k"), bytes("two!"), 22);
    assertThat(cache.find(bytes("k"))).isTrue();
    assertThat(found(cache)).isEqualTo(bytes("two!"));
    assertThat(cache.digest()).isEqualTo(22);
    assertThat(cache.find(bytes("k2"))).isFalse();
    assertThat(cache.hits()).isEqualTo(1);
    assertThat(cache.misses()).isEqualTo(2);
  }

  @Test
  void aKeyKnownAbsentIsFoundAsAbsent() {
    RecentSets cache = new RecentSets(4096);
    cache.remember(bytes("k"), bytes("v"), 5);
    cache.remember(bytes("k"), null, 0);
    assertThat(cache.find(bytes("k"))).isTrue();
    assertThat(cache.storedLength()).isEqualTo(-1);
    assertThat(cache.digest()).isZero();
  }

  @Test
  void anEntryTooLargeToKeepForgetsTheKeysOlderOne() {
    RecentSets cache = new RecentSets(1024);
    cache.remember(bytes("k"), bytes("small"), 1);
    cache.remember(bytes("k"), new byte[200], 2); // more than an eighth of the ring
    assertThat(cache.find(bytes("k"))).isFalse();
  }

  @Test
  void clearForgetsEverythingAndNoCapacityKeepsNothing() {
    RecentSets cache = new RecentSets(4096);
    cache.remember(bytes("a"), bytes("1"), 1);
    cache.clear();
    assertThat(cache.find(bytes("a"))).isFalse();
    RecentSets none = new RecentSets(0);
    none.remember(bytes("a"), bytes("1"), 1);
    assertThat(none.find(bytes("a"))).isFalse();
    assertThatThrownBy(() -> new RecentSets(-1)).hasMessageContaining("capacityBytes : -1");
  }

  /**
   * A key's entry once overwritten is gone, even when the bytes now at its place look exactly
   * like an entry of that key (here forged inside another entry's value): positions, not the
   * bytes found, say what is still intact.
   */
  @Test
  void anOverwrittenEntryIsNotFoundEvenIfItsPlaceLooksLikeOne() {
    RecentSets cache = new RecentSets(4096);
    cache.remember(bytes("p"), new byte[100 - 17], 0); // [0, 100)
    cache.remember(bytes("K"), bytes("old"), 1); // [100, 120)
    for (int i = 0; i < 7; i++) {
      cache.remember(bytes("f"), new byte[500 - 17], 0); // up to 3620
    }
    assertThat(cache.find(bytes("K"))).isTrue();
    java.nio.ByteBuffer value = java.nio.ByteBuffer.allocate(480 - 17); // next lap: [0, 480)
    value.position(100 - 17).putInt(1).putInt(6).putLong(99).put(bytes("K")).put(bytes("forged"));
    cache.remember(bytes("w"), value.array(), 0);
    assertThat(cache.find(bytes("K"))).isFalse();
    assertThat(cache.find(bytes("w"))).isTrue();
    assertThat(cache.find(bytes("f"))).isTrue();
  }

  /**
   * Against a map of each key's latest bytes, many laps around a small ring with keys and values
   * of varied sizes (so entries straddle the ring's end and buckets overflow): a key found is
   * found with its latest bytes and digest, and the most recent keys are still found.
   */
  @Test
  void whateverItFindsIsTheLatestAcrossManyLapsOfTheRing() {
    for (int seed = 0; seed < 20; seed++) {
      Random random = new Random(seed);
      RecentSets cache = new RecentSets(2048);
      Map<String, byte[]> latest = new HashMap<>();
      Map<String, Long> digests = new HashMap<>();
      int hits = 0;
      for (int i = 0; i < 20_000; i++) {
        String key = "key-" + random.nextInt(200) + "x".repeat(random.nextInt(12));
        if (random.nextInt(3) == 0) {
          byte[] value = random.nextInt(10) == 0 ? null : new byte[random.nextInt(120)];
          if (value != null) {
            random.nextBytes(value);
          }
          long digest = random.nextLong();
          cache.remember(bytes(key), value, digest);
          latest.put(key, value);
          digests.put(key, digest);
          assertThat(cache.find(bytes(key))).as("seed %d: the entry just written", seed).isTrue();
        } else if (cache.find(bytes(key))) {
          hits++;
          assertThat(latest).as("seed %d: found %s, never written", seed, key).containsKey(key);
          assertThat(found(cache)).as("seed %d: bytes of %s", seed, key).isEqualTo(latest.get(key));
          assertThat(cache.digest()).as("seed %d: digest of %s", seed, key).isEqualTo(digests.get(key));
        }
      }
      assertThat(hits).as("seed %d: the cache found something", seed).isPositive();
    }
  }
}
