package io.dynamokv.internal.coordinator;

import io.dynamokv.internal.wire.Bytes;
import io.dynamokv.internal.wire.KeyedVersions;
import io.dynamokv.internal.wire.MergeBatch;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.internal.wire.PartitionScan;
import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.VersionSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pages of a scan: one replica's page read from its storage, and the pages of several replicas
 * merged into the page a quorum read of a range returns.
 */
final class ScanPages {

  private ScanPages() {}

  /**
   * Reads the page {@code s} asks of {@code storage}: at most {@code s.limit()} keys and about
   * {@link MergeBatch#MAX_BYTES} (one key at least), and only keys with the scan's prefix if it
   * has one.
   */
  static PartitionChunk read(StorageEngine storage, PartitionScan s) {
    ScanRange range = new ScanRange(s.store(), s.partition(), s.fromSegment(), s.toSegment(),
        s.afterKey().map(k -> StorageKey.of(s.store(), s.partition(), s.afterSegment(), k.toArray())));
    byte[] prefix = s.prefix().map(Bytes::toArray).orElse(null);
    List<KeyedVersions> page = new ArrayList<>();
    boolean[] more = {false};
    long[] bytes = {0};
    // Bounded by keys and by bytes: a page of large values must still fit a frame.
    storage.scan(range, (k, v) -> {
      byte[] key = k.key();
      if (prefix != null && !Arrays.equals(key, 0, Math.min(prefix.length, key.length), prefix, 0, prefix.length)) {
        return false; // past the keys asked for: the scan is complete
      }
      long size = MergeBatch.approximateBytes(key.length, v);
      if (page.size() == s.limit() || (!page.isEmpty() && bytes[0] + size > MergeBatch.MAX_BYTES)) {
        more[0] = true;
        return false;
      }
      page.add(new KeyedVersions(k.store(), key, v));
      bytes[0] += size;
      return true;
    });
    return new PartitionChunk(page, !more[0]);
  }

  /**
   * Merges the pages several replicas gave for one range: a replica whose page is not complete
   * may hold more keys past its last one, so the merged page ends at the first such last key, and
   * is complete only if every page was. Up to there each replica gave every key it holds.
   */
  static PartitionChunk merged(Collection<PartitionChunk> pages) {
    byte[] end = null;
    for (PartitionChunk p : pages) {
      if (!p.complete() && !p.entries().isEmpty()) {
        byte[] last = p.entries().get(p.entries().size() - 1).key().toArray();
        end = end == null || Arrays.compareUnsigned(last, end) < 0 ? last : end;
      }
    }
    Map<byte[], KeyedVersions> merged = new TreeMap<>(Arrays::compareUnsigned);
    for (PartitionChunk p : pages) {
      for (KeyedVersions e : p.entries()) {
        byte[] key = e.key().toArray();
        if (end == null || Arrays.compareUnsigned(key, end) <= 0) {
          merged.merge(key, e, (a, b) -> new KeyedVersions(a.store(), a.key(), a.versions().merge(b.versions())));
        }
      }
    }
    return new PartitionChunk(new ArrayList<>(merged.values()), end == null);
  }

  /**
   * Returns what {@code held}, one replica's page, lacks of {@code all}, the merged page: the
   * entries, up to the merged page's end, whose merged set holds more than the replica's.
   */
  static List<KeyedVersions> lacking(PartitionChunk held, PartitionChunk all) {
    Map<Bytes, VersionSet> mine = new java.util.HashMap<>();
    held.entries().forEach(e -> mine.put(e.key(), e.versions()));
    List<KeyedVersions> missing = new ArrayList<>();
    for (KeyedVersions e : all.entries()) {
      VersionSet h = mine.getOrDefault(e.key(), VersionSet.EMPTY);
      if (!h.merge(e.versions()).equals(h)) {
        missing.add(e);
      }
    }
    return missing;
  }
}
