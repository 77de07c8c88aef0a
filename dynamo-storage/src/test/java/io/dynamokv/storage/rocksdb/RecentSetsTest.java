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
   * bytes found, say what is still intact. An entry takes 20 header bytes, the key and its room
   * (the stored length plus 8, rounded down to a multiple of 8).
   */
  @Test
  void anOverwrittenEntryIsNotFoundEvenIfItsPlaceLooksLikeOne() {
    RecentSets cache = new RecentSets(4096);
    cache.remember(bytes("p"), new byte[79], 0); // 20 + 1 + 80: [0, 101)
    cache.remember(bytes("K"), bytes("old"), 1); // 20 + 1 + 8: [101, 130)
    for (int i = 0; i < 7; i++) {
      cache.remember(bytes("f" + i), new byte[483], 0); // 20 + 2 + 488 each: up to 3700
    }
    assertThat(cache.find(bytes("K"))).isTrue();
    // Too long for the rest of the lap, so at 0: its value starts at 21, and at 101 (80 into
    // the value) it holds what K's entry would hold with "forged" as its bytes.
    java.nio.ByteBuffer value = java.nio.ByteBuffer.allocate(400);
    value.position(101 - 21).putInt(1).putInt(6).putInt(8).putLong(99).put(bytes("K")).put(bytes("forged"));
    cache.remember(bytes("w"), value.array(), 0); // [0, 429) of the next lap
    assertThat(cache.find(bytes("K"))).isFalse();
    assertThat(cache.find(bytes("w"))).isTrue();
    assertThat(cache.find(bytes("f6"))).isTrue();
  }

  /** A key written again and again keeps one entry: the keys written before it stay. */
  @Test
  void aKeyRewrittenInPlaceDoesNotPushOutTheOthers() {
    RecentSets cache = new RecentSets(1024);
    for (String key : new String[] {"a", "b", "c", "d", "e"}) {
      cache.remember(bytes(key), bytes("0123456789"), 1);
    }
    for (int i = 0; i < 1000; i++) { // 1000 new entries would lap the ring many times
      cache.remember(bytes("a"), bytes(String.format("%010d", i)), i);
    }
    assertThat(cache.find(bytes("a"))).isTrue();
    assertThat(found(cache)).isEqualTo(bytes("0000000999"));
    assertThat(cache.digest()).isEqualTo(999);
    for (String key : new String[] {"b", "c", "d", "e"}) {
      assertThat(cache.find(bytes(key))).as(key).isTrue();
      assertThat(found(cache)).as(key).isEqualTo(bytes("0123456789"));
    }
  }

  /**
   * A working set that fills two thirds of the ring, updated in random order as a writer would
   * (find, then remember what it wrote): nearly every lookup hits. A miss is dearer than it looks:
   * its key's new entry goes to the ring's head and overwrites a live entry there, whose key then
   * misses in turn. With four slots a bucket, the keys that overflowed their buckets started such
   * chains and about 3% of lookups missed (6% in the cluster benchmark); eight hold them.
   */
  @Test
  void aWorkingSetThatFitsTheRingIsFoundAlmostAlways() {
    RecentSets cache = new RecentSets(4 << 20);
    int keys = 20_000; // entries of 140 bytes: 2.8 MB of the 4 MiB ring
    byte[] value = new byte[100];
    Random random = new Random(7);
    for (int k = 0; k < keys; k++) {
      cache.remember(bytes(String.format("user%012d", k)), value, k);
    }
    long hitsBefore = cache.hits();
    long missesBefore = cache.misses();
    for (int i = 0; i < 10 * keys; i++) {
      byte[] key = bytes(String.format("user%012d", random.nextInt(keys)));
      cache.find(key);
      cache.remember(key, value, i);
    }
    double missed = (double) (cache.misses() - missesBefore) / (cache.hits() - hitsBefore + cache.misses() - missesBefore);
    assertThat(missed).as("fraction of lookups that missed").isLessThan(0.005);
  }

  /** Bytes that outgrow their entry's room move to a new entry; smaller ones, or none, stay. */
  @Test
  void aSetThatOutgrowsItsRoomMovesAndIsFoundWhole() {
    RecentSets cache = new RecentSets(4096);
    byte[][] values = {new byte[10], new byte[16], new byte[17], null, new byte[3], new byte[40]};
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        Arrays.fill(values[i], (byte) (i + 1));
      }
      cache.remember(bytes("k"), values[i], i);
      assertThat(cache.find(bytes("k"))).isTrue();
      assertThat(found(cache)).as("value %d", i).isEqualTo(values[i]);
      assertThat(cache.digest()).isEqualTo(i);
    }
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

  /** Bytes given as the start of a longer array (the writer's reused encoding buffer) are kept without the rest. */
  @Test
  void theStartOfALongerArrayIsKeptAlone() {
    RecentSets cache = new RecentSets(4096);
    byte[] buffer = bytes("set-bytes and leftovers of a longer earlier set");
    cache.remember(bytes("k"), buffer, 9, 3);
    assertThat(cache.find(bytes("k"))).isTrue();
    assertThat(found(cache)).isEqualTo(bytes("set-bytes"));
    cache.remember(bytes("k"), buffer, 3, 4); // in place, shorter
    assertThat(cache.find(bytes("k"))).isTrue();
    assertThat(found(cache)).isEqualTo(bytes("set"));
  }
}
