package io.dynamokv;

/**
 * Opens the typed stores of a cluster, the same way whether this process is a member (a
 * {@link DynamoNode}, which holds data) or a client of the cluster (a {@link DynamoClient}, which
 * holds none and sends each request to a replica of its key). Application code that takes a
 * {@code Stores} runs unchanged in either shape:
 *
 * <pre>{@code
 * Stores cluster = embedded ? node : client;
 * Store<Cart> carts = cluster.store("carts", Codec.json(Cart.class), Cart::union);
 * }</pre>
 *
 * <p>A store opened twice, here or on another node or client, is the same data; its N must be
 * the same each time. A store holds one kind of value: a store of counters read as a store of
 * sets fails with a {@link CodecException}. Contexts are portable: a context read through one node or client may be
 * written through any other.
 */
public interface Stores {

  /** Opens the store {@code name} with the default replication and no resolver: reads return all siblings. */
  <V> Store<V> store(String name, Codec<V> codec);

  /** Opens the store {@code name}; reads merge siblings with {@code resolver}. */
  <V> Store<V> store(String name, Codec<V> codec, ConflictResolver<V> resolver);

  /** Opens the store {@code name} with its own N, R and W, and no resolver. */
  <V> Store<V> store(String name, Codec<V> codec, Replication replication);

  /** Opens the store {@code name} with its own N, R and W, merging siblings with {@code resolver}. */
  <V> Store<V> store(String name, Codec<V> codec, ConflictResolver<V> resolver, Replication replication);

  /**
   * Opens the store {@code name} of counters (a built-in type: increments from anywhere, no
   * context, no siblings), with the default replication.
   */
  CounterStore counters(String name);

  /**
   * Opens the store {@code name} of sets of elements through {@code codec} (a built-in type: adds
   * from anywhere, removes of what a read saw, add wins), with the default replication.
   */
  <E> SetStore<E> sets(String name, Codec<E> codec);

  /** Opens the store {@code name} of flags (a built-in type: enable wins), with the default replication. */
  FlagStore flags(String name);

  /**
   * Opens the store {@code name} of maps whose fields are registers, counters, sets, flags and
   * maps (a built-in type: each field changed on its own, in one round trip), with the default
   * replication.
   */
  MapStore maps(String name);
}
