package io.dynamokv;

import io.dynamokv.spi.StorageKey;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores a node or a client opened, with their N: the checks every opening makes, the same
 * for both, and the N a store keeps once opened. Thread-safe.
 */
final class OpenStores {

  private final Map<String, Integer> replicas = new ConcurrentHashMap<>();

  /**
   * Checks the opening of {@code name} with {@code replication} in a cluster of {@code clusterSize}
   * nodes, and records its N.
   *
   * @throws IllegalArgumentException if the name is not a store name, N exceeds the cluster, or
   *     the store was opened with another N
   */
  void open(String name, Codec<?> codec, Replication replication, int clusterSize) {
    StorageKey.validateStore(name);
    Objects.requireNonNull(codec, "codec");
    open(name, replication, clusterSize);
  }

  /** As {@link #open(String, Codec, Replication, int)}, for a built-in type without a codec. */
  void open(String name, Replication replication, int clusterSize) {
    StorageKey.validateStore(name);
    Objects.requireNonNull(replication, "replication");
    if (replication.n() > clusterSize) {
      throw new IllegalArgumentException("n : " + replication.n() + " (expected: <= cluster size = " + clusterSize + ")");
    }
    Integer known = replicas.putIfAbsent(name, replication.n());
    if (known != null && known != replication.n()) {
      throw new IllegalArgumentException("store " + name + " n : " + replication.n() + " (expected: " + known
          + ", as it was opened before)");
    }
  }

  /** Returns the N {@code store} was opened with, or {@code otherwise}. */
  int replicasOf(String store, int otherwise) {
    return replicas.getOrDefault(store, otherwise);
  }

  /** Forgets {@code store} (it was dropped). */
  void forget(String store) {
    replicas.remove(store);
  }
}
