package io.dynamokv.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import io.dynamokv.internal.wire.KeyedVersions;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.internal.wire.PartitionScan;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanPagesTest {

  /** One write of {@code key}, by an actor named after {@code value}: two values are concurrent writes. */
  private static KeyedVersions entry(String key, String value) {
    return new KeyedVersions("s", key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        VersionSet.EMPTY.put(VersionSet.EMPTY.context(), ActorId.of(NodeId.of(value), 1), value.getBytes(), 0, 0));
  }

  private static List<String> keys(List<KeyedVersions> entries) {
    return entries.stream().map(e -> new String(e.key().toArray(), java.nio.charset.StandardCharsets.UTF_8)).toList();
  }

  @Test
  void aMergedPageEndsWhereAReplicaMayHoldMore() {
    PartitionChunk whole = new PartitionChunk(List.of(entry("k1", "x"), entry("k2", "x"), entry("k3", "x"),
        entry("k5", "x")), true);
    PartitionChunk cut = new PartitionChunk(List.of(entry("k1", "x"), entry("k2", "y"), entry("k4", "x")), false);
    PartitionChunk merged = ScanPages.merged(List.of(whole, cut));
    // Past k4 the second replica may hold keys it did not send: k5 waits for the next page.
    assertThat(keys(merged.entries())).containsExactly("k1", "k2", "k3", "k4");
    assertThat(merged.complete()).isFalse();
    assertThat(merged.entries().get(1).versions().values()).hasSize(2); // both writes of k2, as siblings
    assertThat(keys(ScanPages.lacking(whole, merged))).containsExactly("k2", "k4");
    assertThat(keys(ScanPages.lacking(cut, merged))).containsExactly("k2", "k3");

    PartitionChunk bothWhole = ScanPages.merged(List.of(whole, new PartitionChunk(List.of(entry("k6", "x")), true)));
    assertThat(keys(bothWhole.entries())).containsExactly("k1", "k2", "k3", "k5", "k6");
    assertThat(bothWhole.complete()).isTrue();
  }

  @Test
  void aPageWithAPrefixHoldsOnlyItsKeysAndEndsAfterThem() {
    StorageEngine storage = StorageEngine.inMemory();
    for (String k : List.of("a", "ab1", "ab2", "ab3", "ac")) {
      storage.update(StorageKey.of("s", 3, 7, k.getBytes()), v -> entry(k, "x").versions()).join();
    }
    PartitionChunk first = ScanPages.read(storage, PartitionScan.ofPrefix("s", 3, 7, "ab".getBytes(), "ab".getBytes(), 2));
    assertThat(keys(first.entries())).containsExactly("ab1", "ab2");
    assertThat(first.complete()).isFalse();
    PartitionChunk second = ScanPages.read(storage, PartitionScan.ofPrefix("s", 3, 7, "ab".getBytes(), "ab2".getBytes(), 2));
    assertThat(keys(second.entries())).containsExactly("ab3");
    assertThat(second.complete()).isTrue();
    PartitionChunk none = ScanPages.read(storage, PartitionScan.ofPrefix("s", 3, 7, "x".getBytes(), "x".getBytes(), 2));
    assertThat(none.entries()).isEmpty();
    assertThat(none.complete()).isTrue();
    storage.close();
  }
}
