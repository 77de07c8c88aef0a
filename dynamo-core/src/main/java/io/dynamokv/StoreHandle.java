package io.dynamokv;

import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.Utf8;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every store handle shares ({@link Store} and the built-in types'): the store's name and
 * replication, its key checks, where its requests go, and, for the built-in types, a quorum read
 * of a key's set and an operation applied at a replica of the key. Futures complete on the node's
 * or client's scheduler threads.
 */
abstract class StoreHandle {

  /** Makes a handle of a store: each handle's constructor. */
  interface Factory<T> {
    T create(String name, Replication replication, Coordination coordination, Executor callbacks, Duration timeout,
        Limits limits);
  }

  private final String name;
  private final Replication replication;
  private final Coordination coordination;
  private final Executor callbacks;
  private final Duration timeout;
  private final Limits limits;

  StoreHandle(String name, Replication replication, Coordination coordination, Executor callbacks, Duration timeout,
      Limits limits) {
    this.name = name;
    this.replication = replication;
    this.coordination = coordination;
    this.callbacks = callbacks;
    this.timeout = timeout;
    this.limits = limits;
  }

  /** Returns the store's name. */
  public String name() {
    return name;
  }

  /** Returns the store's N, R and W. */
  public Replication replication() {
    return replication;
  }

  /**
   * A request sent, and how its result is made from the key's set once it completes (on an I/O or
   * storage thread): {@link #async} makes it on a callback thread, so that no application code
   * runs on those threads; {@link #await} makes it on the waiting caller's thread, saving a hop
   * between threads and a wake-up.
   */
  final class Pending<T> {
    private final CompletableFuture<?> sent;
    private final Function<Object, T> result;

    @SuppressWarnings("unchecked") // result takes what sent completes with: both are S
    private <S> Pending(CompletableFuture<S> sent, Function<S, T> result) {
      this.sent = sent;
      this.result = (Function<Object, T>) result;
    }

    CompletableFuture<T> async() {
      return sent.thenApplyAsync(result, callbacks);
    }

    T await() {
      return result.apply(StoreHandle.await(sent));
    }
  }

  /** Returns the request {@code sent}, whose result {@code result} makes from what it completes with. */
  final <S, T> Pending<T> pending(CompletableFuture<S> sent, Function<S, T> result) {
    return new Pending<>(sent, result);
  }

  /** Reads {@code key}'s set with R of N; {@code result} turns it into what the caller gets. */
  final <T> Pending<T> read(String key, Function<VersionSet, T> result) {
    return readAt(() -> keyBytes(key), result);
  }

  /** {@link #read} of the stored key that {@code key} makes (checking the caller's input). */
  final <T> Pending<T> readAt(Supplier<byte[]> key, Function<VersionSet, T> result) {
    CompletableFuture<VersionSet> sent;
    try {
      sent = coordination.get(name, key.get(), replication.n(), replication.r(), timeout);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return new Pending<>(sent, result);
  }

  /** Applies {@code operation} to {@code key} at a replica, once W of N have it; {@code result} from the key's set after. */
  final <T> Pending<T> update(String key, Supplier<byte[]> operation, Function<VersionSet, T> result) {
    return updateAt(() -> keyBytes(key), operation, result);
  }

  /**
   * {@link #update} of the stored key that {@code key} makes (checking the caller's input); asks
   * for the key before the operation.
   */
  final <T> Pending<T> updateAt(Supplier<byte[]> key, Supplier<byte[]> operation, Function<VersionSet, T> result) {
    CompletableFuture<VersionSet> sent;
    try {
      byte[] k = key.get();
      byte[] op = operation.get();
      limits.requireValueLength(op.length);
      sent = coordination.update(name, k, op, replication.n(), replication.w(), timeout);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return new Pending<>(sent, result);
  }

  final Coordination coordination() {
    return coordination;
  }

  final Executor callbacks() {
    return callbacks;
  }

  final Duration timeout() {
    return timeout;
  }

  final Limits limits() {
    return limits;
  }

  final byte[] keyBytes(String key) {
    Objects.requireNonNull(key, "key");
    byte[] k = Utf8.encode("key", key);
    limits.requireKeyLength(k.length);
    return k;
  }

  /** Waits for {@code future}, throwing its failure as it is. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Turns a stored value that is not of the handle's type into the codec failure a caller sees. */
  final <T> T decoded(String key, Function<String, T> decode) {
    try {
      return decode.apply("store " + name + " key " + key);
    } catch (IllegalArgumentException e) {
      throw new CodecException(e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + name + ", " + replication + "}";
  }
}
