package io.dynamokv;

import java.util.Objects;
import java.util.Optional;

/**
 * The openings of stores, the same for a node and a client: each overload comes down to one
 * {@link #open} (a store with a codec) or {@link #openBuiltIn} (a built-in type), which check the
 * store (its name, and its N against the cluster) and make the handle on what the node or client
 * sends requests through.
 */
abstract class AbstractStores implements Stores {

  /** Returns the replication of a store opened without one. */
  abstract Replication defaultReplication();

  /** Checks the opening of {@code name} and returns its store. */
  abstract <V> Store<V> open(String name, Codec<V> codec, Optional<ConflictResolver<V>> resolver,
      Replication replication);

  /** Checks the opening of {@code name} and returns the handle {@code handle} makes. */
  abstract <T> T openBuiltIn(String name, StoreHandle.Factory<T> handle);

  @Override
  public <V> Store<V> store(String name, Codec<V> codec) {
    return open(name, codec, Optional.empty(), defaultReplication());
  }

  @Override
  public <V> Store<V> store(String name, Codec<V> codec, ConflictResolver<V> resolver) {
    return open(name, codec, Optional.of(Objects.requireNonNull(resolver, "resolver")), defaultReplication());
  }

  @Override
  public <V> Store<V> store(String name, Codec<V> codec, Replication replication) {
    return open(name, codec, Optional.empty(), replication);
  }

  @Override
  public <V> Store<V> store(String name, Codec<V> codec, ConflictResolver<V> resolver, Replication replication) {
    return open(name, codec, Optional.of(Objects.requireNonNull(resolver, "resolver")), replication);
  }

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
