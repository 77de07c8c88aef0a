package io.dynamokv.internal;

import io.dynamokv.spi.StorageEngine;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores this node holds data of, at most {@code maxStores} of them. Every store name is
 * persistent state on every replica (the engine keeps an id for it), so whoever can write could
 * otherwise exhaust it with new names: a write to a store this node does not hold yet is refused
 * once it holds the limit. Checked on every path that stores a value, as {@link Limits} are.
 *
 * <p>Thread-safe; a known store costs one set lookup.
 */
public final class KnownStores {

  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private final int maxStores;
  private final StorageEngine storage;

  /** Starts from the stores {@code storage} holds. */
  public KnownStores(StorageEngine storage, int maxStores) {
    this.maxStores = Checks.requireInRange("maxStores", maxStores, 1, Integer.MAX_VALUE);
    this.storage = storage;
    known.addAll(storage.stores());
  }

  /**
   * Drops {@code store} from this node: everything the engine holds of it, and its place among
   * the {@code maxStores}.
   */
  public CompletableFuture<Void> drop(String store) {
    return storage.dropStore(store).thenRun(() -> known.remove(store));
  }

  /**
   * Admits a write to {@code store}: at once if this node holds it, else if there is room.
   *
   * @throws IllegalArgumentException if the node holds {@code maxStores} other stores
   */
  public void admit(String store) {
    if (known.contains(store)) {
      return;
    }
    synchronized (this) {
      if (!known.contains(store) && known.size() >= maxStores) {
        throw new IllegalArgumentException("store " + store + " : a new store, and this node holds "
            + known.size() + " (expected: at most maxStores = " + maxStores + ")");
      }
      known.add(store);
    }
  }
}
