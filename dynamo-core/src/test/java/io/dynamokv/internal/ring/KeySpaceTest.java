package io.dynamokv.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KeySpaceTest {

  @Property
  void partitionsAreEqualRangesOfTheHashSpace(
      @ForAll @IntRange(min = 1, max = 65536) int q, @ForAll long high) {
    KeySpace ks = new KeySpace(q);
    int p = ks.partitionOf(new KeyHash(high, 0));
    assertThat(p).isBetween(0, q - 1);
    // p = floor(u * q / 2^64) where u is high read as unsigned
    java.math.BigInteger u = new java.math.BigInteger(Long.toUnsignedString(high));
    int expected = u.multiply(java.math.BigInteger.valueOf(q)).shiftRight(64).intValueExact();
    assertThat(p).isEqualTo(expected);
  }

  @Test
  void theEndsOfTheHashSpaceFallInTheFirstAndLastPartitions() {
    KeySpace ks = new KeySpace(1000);
    assertThat(ks.partitionOf(new KeyHash(0, 0))).isZero();
    assertThat(ks.partitionOf(new KeyHash(-1L, -1L))).isEqualTo(999);
    assertThat(ks.segmentOf(new KeyHash(0, -1L))).isEqualTo(KeySpace.SEGMENTS_PER_PARTITION - 1);
  }

  @Test
  void keysSpreadEvenlyOverPartitionsAndSegments() {
    KeySpace ks = new KeySpace(64);
    int[] perPartition = new int[64];
    int[] perSegment = new int[KeySpace.SEGMENTS_PER_PARTITION];
    int keys = 256_000;
    for (int i = 0; i < keys; i++) {
      KeySpace.Placement p = ks.place(("user:" + i).getBytes(StandardCharsets.UTF_8));
      perPartition[p.partition()]++;
      perSegment[p.segment()]++;
    }
    for (int n : perPartition) {
      assertThat(n).isBetween(keys / 64 * 9 / 10, keys / 64 * 11 / 10);
    }
    for (int n : perSegment) {
      assertThat(n).isBetween(1000 * 8 / 10, 1000 * 12 / 10);
    }
  }

  @Test
  void md5MatchesTheKnownDigest() {
    // MD5("") = d41d8cd98f00b204e9800998ecf8427e
    KeyHash h = KeyHash.of(new byte[0]);
    assertThat(h.high()).isEqualTo(0xd41d8cd98f00b204L);
    assertThat(h.low()).isEqualTo(0xe9800998ecf8427eL);
  }

  @Test
  void badPartitionCountsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> new KeySpace(0)).hasMessage("partitions : 0 (expected: 1..65536)");
    assertThatThrownBy(() -> new KeySpace(65537)).hasMessageContaining("65537");
  }

  @Property
  void aGroupsMembersArePlacedByItsKeyAndFollowItsPrefix(@ForAll byte[] group, @ForAll byte[] a, @ForAll byte[] b) {
    KeySpace ks = new KeySpace(1024);
    StorageKeyOrder prefix = new StorageKeyOrder(ks, GroupedKey.prefix(group));
    StorageKeyOrder first = new StorageKeyOrder(ks, GroupedKey.of(group, a));
    StorageKeyOrder second = new StorageKeyOrder(ks, GroupedKey.of(group, b));
    assertThat(first.placement()).isEqualTo(prefix.placement()).isEqualTo(second.placement());
    if (group.length > 0 && group[0] != (byte) 0xFF) {
      assertThat(prefix.placement()).isEqualTo(ks.place(group)); // as a user's key (UTF-8) of the same bytes
    }
    assertThat(GroupedKey.placing(GroupedKey.of(group, a))).isEqualTo(group);
    if (a.length > 0) {
      assertThat(java.util.Arrays.compareUnsigned(prefix.key(), first.key())).isNegative();
    }
  }

  private record StorageKeyOrder(KeySpace ks, byte[] key) {
    KeySpace.Placement placement() {
      return ks.place(key);
    }
  }

  @Test
  void aKeyThatOnlyLooksGroupedIsPlacedByItself() {
    byte[] truncated = {(byte) 0xFF, 5, 'a', 'b'}; // says 5 bytes of group, holds 2
    byte[] endless = {(byte) 0xFF, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1};
    byte[] marker = {(byte) 0xFF};
    for (byte[] key : java.util.List.of(truncated, endless, marker)) {
      assertThat(GroupedKey.placing(key)).isSameAs(key);
    }
    byte[] utf8 = "user key".getBytes(StandardCharsets.UTF_8);
    assertThat(GroupedKey.placing(utf8)).isSameAs(utf8);
  }
}
