package io.dynamokv.internal.wire;

import io.dynamokv.spi.version.Sibling;
import io.dynamokv.spi.version.VersionSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Version sets for the receiver to merge into its own replicas: delivered hints, anti-entropy
 * repairs and partition transfers. Answered with an {@link Ack} once all are durable.
 */
public record MergeBatch(List<KeyedVersions> entries) implements WireMessage {

  /** Copies the list. */
  public MergeBatch {
    entries = List.copyOf(entries);
  }

  /**
   * The most bytes a batch or a page of keys carries, whatever its count of keys: 4 MiB, a
   * quarter of the default frame limit. A batch always holds at least one key, and one key holds
   * at most maxBytesPerKey, so anything that could be stored can always be moved.
   */
  public static final long MAX_BYTES = 4 << 20;

  @Override
  public MessageType type() {
    return MessageType.MERGE_BATCH;
  }

  /**
   * Returns about how many bytes {@code versions} of a {@code keyBytes}-byte key take in a
   * frame: the values, a little per sibling and per context entry. Cheap: nothing is encoded.
   */
  public static long approximateBytes(int keyBytes, VersionSet versions) {
    long bytes = keyBytes + 16L + 24L * versions.context().size();
    for (Sibling s : versions.siblings()) {
      bytes += s.valueLength() + 24L;
    }
    return bytes;
  }

  /** Cuts {@code entries} into batches of at most {@link #MAX_BYTES} (one entry at least each), in order. */
  public static List<MergeBatch> split(List<KeyedVersions> entries) {
    List<MergeBatch> batches = new ArrayList<>();
    List<KeyedVersions> current = new ArrayList<>();
    long bytes = 0;
    for (KeyedVersions e : entries) {
      long size = approximateBytes(e.key().length(), e.versions());
      if (!current.isEmpty() && bytes + size > MAX_BYTES) {
        batches.add(new MergeBatch(current));
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(e);
      bytes += size;
    }
    if (!current.isEmpty()) {
      batches.add(new MergeBatch(current));
    }
    return batches;
  }
}
