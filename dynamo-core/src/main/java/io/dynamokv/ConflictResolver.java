package io.dynamokv;

import java.util.Comparator;
import java.util.List;

/**
 * The application's merge of concurrent versions (siblings) into one. A shopping cart merges by
 * union; a counter of unique visitors by union of ids; a session might keep the newest.
 *
 * <p>Called on a read that finds more than one sibling, on a library thread (never an I/O
 * thread). It must be deterministic and should be commutative and associative, because replicas
 * may see siblings in any grouping; it must not block.
 */
@FunctionalInterface
public interface ConflictResolver<V> {

  /** Returns one value that stands for all of {@code siblings} (two or more). */
  V resolve(List<V> siblings);

  /**
   * Like {@link #resolve}, with each sibling's write time. The default ignores the times;
   * override it for policies that need them.
   */
  default V resolveVersions(List<VersionedValue<V>> siblings) {
    return resolve(siblings.stream().map(VersionedValue::value).toList());
  }

  /**
   * Keeps the sibling with the latest coordinator timestamp and silently drops the others.
   *
   * <p><b>What it loses:</b> every concurrent write but one. Two clients adding different items
   * to a cart at the same time: one item is gone. Timestamps come from different nodes' clocks,
   * so "latest" can even be the older write if a clock runs ahead. Use it only for data where
   * any one recent version will do (a cache entry, a last-seen timestamp). It is never the
   * default: a store without a resolver returns all siblings.
   */
  static <V> ConflictResolver<V> lastWriteWins() {
    return new ConflictResolver<>() {
      @Override
      public V resolve(List<V> siblings) {
        throw new IllegalStateException("last-write-wins needs timestamps: call resolveVersions");
      }

      @Override
      public V resolveVersions(List<VersionedValue<V>> siblings) {
        return siblings.stream().max(Comparator.comparingLong(VersionedValue::timestampMillis)).orElseThrow().value();
      }
    };
  }
}
