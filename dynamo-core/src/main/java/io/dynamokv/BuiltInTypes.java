package io.dynamokv;

import java.util.Objects;

/**
 * The built-in types' openings, the same for a node and a client: each checks the store (its
 * name, and its N against the cluster) and makes the handle on what the node or client sends
 * requests through.
 */
abstract class BuiltInTypes implements Stores {

  /** Checks the opening of {@code name} and returns the handle {@code handle} makes. */
  abstract <T> T openBuiltIn(String name, StoreHandle.Factory<T> handle);

  @Override
  public CounterStore counters(String name) {
    return openBuiltIn(name, CounterStore::new);
  }

  @Override
  public <E> SetStore<E> sets(String name, Codec<E> codec) {
    Objects.requireNonNull(codec, "codec");
    return openBuiltIn(name, (n, r, c, e, t, l) -> new SetStore<>(n, codec, r, c, e, t, l));
  }

  @Override
  public FlagStore flags(String name) {
    return openBuiltIn(name, FlagStore::new);
  }

  @Override
  public MapStore maps(String name) {
    return openBuiltIn(name, MapStore::new);
  }
}
