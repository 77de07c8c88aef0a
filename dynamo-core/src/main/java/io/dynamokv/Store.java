package io.dynamokv;

import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Limits;
import io.dynamokv.spi.version.Sibling;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A named, typed key-value store replicated across the cluster. Obtain one from a
 * {@link DynamoNode} or a {@link DynamoClient} (both are {@link Stores}): the API is the same. Keys are strings (stored as UTF-8); values go through the store's
 * {@link Codec}.
 *
 * <pre>{@code
 * Store<Cart> carts = node.store("carts", Codec.json(Cart.class), Cart::union);
 * GetResult<Cart> read = carts.get("alice");
 * Cart cart = read.value().orElse(Cart.empty()).add("milk");
 * carts.put("alice", read.context(), cart);   // replaces exactly what the read saw
 * }</pre>
 *
 * <p>Every operation has an asynchronous form that returns a future and never throws (bad
 * arguments fail the future at once), and a blocking form that waits for it and throws its
 * failure. The futures of the asynchronous forms complete, and the codec and resolver run, on
 * the node's or client's scheduler threads, never on I/O threads; the blocking forms run the codec and
 * resolver on the calling thread. Thread-safe.
 */
public final class Store<V> extends StoreHandle {

  private final Codec<V> codec;
  private final Optional<ConflictResolver<V>> resolver;

  Store(String name, Codec<V> codec, Optional<ConflictResolver<V>> resolver, Replication replication,
      Coordination coordinator, Executor callbacks, Duration timeout, Limits limits) {
    super(name, replication, coordinator, callbacks, timeout, limits);
    this.codec = codec;
    this.resolver = resolver;
  }

  // ---- reads

  /** Reads {@code key} with the store's R and deadline. */
  public CompletableFuture<GetResult<V>> getAsync(String key) {
    return getAsync(key, ReadOptions.defaults());
  }

  /** Reads {@code key}. */
  public CompletableFuture<GetResult<V>> getAsync(String key, ReadOptions options) {
    return read(key, options).thenApplyAsync(this::toResult, callbacks());
  }

  /**
   * The coordinator's read, completing on an I/O or storage thread: the async methods move its
   * result to the callback executor, so that no application code runs there; the waiting methods
   * turn it into the result on the caller's thread, saving a hop between threads and a wake-up.
   */
  private CompletableFuture<VersionSet> read(String key, ReadOptions options) {
    byte[] k;
    int r;
    try {
      k = keyBytes(key);
      Objects.requireNonNull(options, "options");
      r = options.r().orElse(replication().r());
      if (r > replication().n()) {
        throw new IllegalArgumentException("r : " + r + " (expected: <= n = " + replication().n() + ")");
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Duration deadline = options.timeout().orElse(timeout());
    if (options.replica().isPresent()) {
      return coordination().readReplica(name(), k, options.replica().get(), deadline);
    }
    return coordination().get(name(), k, replication().n(), r, deadline);
  }

  /** Reads {@code key}, waiting for the result. */
  public GetResult<V> get(String key) {
    return get(key, ReadOptions.defaults());
  }

  /** Reads {@code key}, waiting for the result; the resolver, if any, runs on this thread. */
  public GetResult<V> get(String key, ReadOptions options) {
    return toResult(await(read(key, options)));
  }

  private GetResult<V> toResult(VersionSet versions) {
    List<Sibling> live = versions.values();
    List<V> values = new ArrayList<>(live.size());
    for (Sibling s : live) {
      values.add(decode(s));
    }
    Context context = Context.of(versions.context());
    if (values.size() > 1 && resolver.isPresent()) {
      List<VersionedValue<V>> timed = new ArrayList<>(values.size());
      for (int i = 0; i < values.size(); i++) {
        timed.add(new VersionedValue<>(values.get(i), live.get(i).timestampMillis()));
      }
      return new GetResult<>(List.of(resolver.get().resolveVersions(timed)), context);
    }
    return new GetResult<>(values, context);
  }

  private V decode(Sibling s) {
    try {
      return codec.decode(s.value());
    } catch (CodecException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CodecException("store " + name() + ": cannot decode a value of " + s.valueLength() + " bytes: " + e, e);
    }
  }

  // ---- writes

  /** Writes {@code value}, replacing the versions {@code context} covers; returns the new context. */
  public CompletableFuture<Context> putAsync(String key, Context context, V value) {
    return putAsync(key, context, value, WriteOptions.defaults());
  }

  /** Writes {@code value}, replacing the versions {@code context} covers; returns the new context. */
  public CompletableFuture<Context> putAsync(String key, Context context, V value, WriteOptions options) {
    return onCallbackThread(encodeAndWrite(key, context, value, options));
  }

  private CompletableFuture<VersionSet> encodeAndWrite(String key, Context context, V value, WriteOptions options) {
    byte[] k;
    byte[] v;
    try {
      k = keyBytes(key);
      Objects.requireNonNull(context, "context");
      Objects.requireNonNull(value, "value");
      v = codec.encode(value);
      limits().requireValueLength(v.length);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return write(k, context, Optional.of(v), options);
  }

  /** Writes {@code value}, waiting for W acknowledgements; returns the new context. */
  public Context put(String key, Context context, V value) {
    return put(key, context, value, WriteOptions.defaults());
  }

  /** Writes {@code value}, waiting for W acknowledgements; returns the new context. */
  public Context put(String key, Context context, V value, WriteOptions options) {
    return contextOf(await(encodeAndWrite(key, context, value, options)));
  }

  /**
   * Deletes the versions {@code context} covers, with a tombstone. A write the context did not
   * cover survives as a sibling: a delete never erases a write it did not see.
   */
  public CompletableFuture<Context> deleteAsync(String key, Context context) {
    return deleteAsync(key, context, WriteOptions.defaults());
  }

  /** Deletes the versions {@code context} covers. */
  public CompletableFuture<Context> deleteAsync(String key, Context context, WriteOptions options) {
    return onCallbackThread(tombstone(key, context, options));
  }

  private CompletableFuture<VersionSet> tombstone(String key, Context context, WriteOptions options) {
    byte[] k;
    try {
      k = keyBytes(key);
      Objects.requireNonNull(context, "context");
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return write(k, context, Optional.empty(), options);
  }

  /** Deletes the versions {@code context} covers, waiting for W acknowledgements. */
  public Context delete(String key, Context context) {
    return delete(key, context, WriteOptions.defaults());
  }

  /** Deletes the versions {@code context} covers, waiting for W acknowledgements; returns the new context. */
  public Context delete(String key, Context context, WriteOptions options) {
    return contextOf(await(tombstone(key, context, options)));
  }

  private CompletableFuture<VersionSet> write(byte[] key, Context context, Optional<byte[]> value, WriteOptions options) {
    int w;
    try {
      Objects.requireNonNull(options, "options");
      w = options.w().orElse(replication().w());
      if (w > replication().n()) {
        throw new IllegalArgumentException("w : " + w + " (expected: <= n = " + replication().n() + ")");
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return coordination().put(name(), key, context.versionVector(), value, replication().n(), w,
        options.timeout().orElse(timeout()));
  }

  /** Moves a write's result off the I/O or storage thread that completes it (see {@link #read}). */
  private CompletableFuture<Context> onCallbackThread(CompletableFuture<VersionSet> written) {
    return written.thenApplyAsync(Store::contextOf, callbacks());
  }

  private static Context contextOf(VersionSet written) {
    return Context.of(written.context());
  }

  /**
   * Read, modify, write: reads {@code key} (siblings merged by the store's resolver), applies
   * {@code change} to the value (empty if absent), and writes the result with the read's context.
   * Returns the value written.
   *
   * @throws IllegalStateException (in the future) if the read finds siblings and the store has no
   *     resolver to merge them
   */
  public CompletableFuture<V> updateAsync(String key, Function<Optional<V>, V> change) {
    if (change == null) {
      return CompletableFuture.failedFuture(new NullPointerException("change"));
    }
    return read(key, ReadOptions.defaults()).thenComposeAsync(versions -> {
      GetResult<V> read = toResult(versions);
      V next = changed(read, change);
      return encodeAndWrite(key, read.context(), next, WriteOptions.defaults()).thenApplyAsync(written -> next, callbacks());
    }, callbacks());
  }

  /** Read, modify, write, waiting for it, all on this thread; see {@link #updateAsync}. */
  public V update(String key, Function<Optional<V>, V> change) {
    Objects.requireNonNull(change, "change");
    GetResult<V> read = get(key);
    V next = changed(read, change);
    put(key, read.context(), next);
    return next;
  }

  private V changed(GetResult<V> read, Function<Optional<V>, V> change) {
    if (read.hasSiblings()) {
      throw new IllegalStateException("store " + name() + ": key has " + read.values().size()
          + " siblings and the store has no ConflictResolver to merge them; read them with get()");
    }
    return Objects.requireNonNull(change.apply(read.value()), "change returned null");
  }

  @Override
  public String toString() {
    return "Store{" + name() + ", " + replication() + (resolver.isPresent() ? ", with resolver" : "") + "}";
  }
}
