package io.dynamokv.internal;

import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.Sibling;
import io.dynamokv.spi.version.VersionSet;

/**
 * What one key may hold, checked on every path that stores a value: a client's write at its
 * coordinator, a forwarded write, a replica write, a hint, a merge batch, a transfer. A path
 * that would cross a limit is refused with an {@link IllegalArgumentException} before anything
 * is written, so everything that is stored can always be moved again (a key's whole set stays
 * well inside a frame).
 *
 * @param maxKeyBytes the longest key, in UTF-8 bytes
 * @param maxValueBytes the longest encoded value of one sibling
 * @param maxSiblings the most values (siblings, tombstones aside) a key may hold after a write
 * @param maxBytesPerKey the most value bytes a key may hold, summed over its siblings
 */
public record Limits(int maxKeyBytes, int maxValueBytes, int maxSiblings, int maxBytesPerKey) {

  /** Checks the limits against each other. */
  public Limits {
    Checks.requireInRange("maxKeyBytes", maxKeyBytes, 1, StorageKey.MAX_KEY_BYTES);
    Checks.requireInRange("maxValueBytes", maxValueBytes, 1, Integer.MAX_VALUE);
    Checks.requireInRange("maxSiblings", maxSiblings, 1, Integer.MAX_VALUE);
    if (maxBytesPerKey < maxValueBytes) {
      throw new IllegalArgumentException("maxBytesPerKey : " + maxBytesPerKey + " (expected: >= maxValueBytes = "
          + maxValueBytes + ")");
    }
  }

  /**
   * Checks the length of a key a client gave, in UTF-8 bytes.
   *
   * @throws IllegalArgumentException saying the length and the limit
   */
  public void requireKeyLength(int length) {
    if (length == 0 || length > maxKeyBytes) {
      throw new IllegalArgumentException("key length : " + length + " bytes (expected: 1..maxKeyBytes = "
          + maxKeyBytes + ")");
    }
  }

  /**
   * Checks the length of one encoded value a client gave.
   *
   * @throws IllegalArgumentException saying the length and the limit
   */
  public void requireValueLength(int length) {
    if (length > maxValueBytes) {
      throw new IllegalArgumentException("value length : " + length + " bytes (expected: <= maxValueBytes = "
          + maxValueBytes + ")");
    }
  }

  /**
   * Checks a write that arrives from another node (a replica write, a hint, a merge batch, a
   * transfer): its key and each of its values within the size limits.
   *
   * @throws IllegalArgumentException naming the store and the size over the limit
   */
  public void requireStorable(String store, int keyLength, VersionSet versions) {
    if (keyLength > maxKeyBytes) {
      throw new IllegalArgumentException("key length : " + keyLength + " bytes in store " + store
          + " (expected: <= maxKeyBytes = " + maxKeyBytes + ")");
    }
    for (Sibling s : versions.siblings()) {
      if (s.valueLength() > maxValueBytes) {
        throw new IllegalArgumentException("value length : " + s.valueLength() + " bytes in store " + store
            + " (expected: <= maxValueBytes = " + maxValueBytes + ")");
      }
    }
  }

  /**
   * Checks the set a coordinator is about to store for a key: the number of values and their
   * bytes. Called inside the key's read-modify-write, so a refused write leaves nothing behind.
   *
   * @throws IllegalArgumentException saying what the key would hold and the limit
   */
  public VersionSet requireWithinKeyLimits(StorageKey key, VersionSet after) {
    int values = 0;
    long bytes = 0;
    for (Sibling s : after.siblings()) {
      if (!s.isTombstone()) {
        values++;
        bytes += s.valueLength();
      }
    }
    if (values > maxSiblings) {
      throw new IllegalArgumentException("key " + key + " would hold " + values
          + " siblings (expected: <= maxSiblings = " + maxSiblings + "); read it and write with its context to merge them");
    }
    if (bytes > maxBytesPerKey) {
      throw new IllegalArgumentException("key " + key + " would hold " + bytes
          + " bytes of values (expected: <= maxBytesPerKey = " + maxBytesPerKey + "); read it and write with its context to merge them");
    }
    return after;
  }
}
