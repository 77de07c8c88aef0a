package io.dynamokv;

import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Failures;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.crdt.SetState;
import io.dynamokv.internal.ring.GroupedKey;
import io.dynamokv.internal.ring.KeyHash;
import io.dynamokv.internal.wire.KeyedVersions;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.spi.version.VersionSet;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sets by key, whose elements go through a {@link Codec}: any node or client adds an element at
 * once, with no context, and removes one with the read that saw it. A remove takes away only
 * what that read saw, so an add it did not see survives it (add wins); there are never siblings.
 * Open one with {@link Stores#sets}.
 *
 * <pre>{@code
 * SetStore<String> carts = node.sets("carts", Codec.utf8());
 * carts.add("alice", "milk");
 * SetRead<String> cart = carts.get("alice");
 * carts.remove("alice", cart, "milk");      // removes the milk that read saw
 * }</pre>
 *
 * <p>Each element is kept under a key of its own, made of the set's key and a hash of the
 * element, and placed in the ring by the set's key: an add or a remove writes and replicates that
 * one element, whatever the size of the set, and a set is not bound by the largest value. A read
 * of the whole set reads its elements' keys from R replicas, a page at a time; {@link #contains}
 * reads one element's key. A set's key may be at most {@code maxKeyBytes} less 18 bytes (a marker,
 * its length and the element's 16-byte hash; 19 for a key of 128 bytes or more, 20 from 16 KiB).
 *
 * <p>Thread-safe.
 */
public final class SetStore<E> extends StoreHandle {

  /** The elements' keys a page of a read asks each replica for. */
  static final int PAGE_KEYS = 1024;

  /** The bytes of an element's hash in its key (MD5: placement only, a collision shares a key). */
  private static final int ELEMENT_HASH_BYTES = 16;

  private final Codec<E> codec;

  SetStore(String name, Codec<E> codec, Replication replication, Coordination coordination, Executor callbacks,
      Duration timeout, Limits limits) {
    super(name, replication, coordination, callbacks, timeout, limits);
    this.codec = codec;
  }

  /** Reads the set at {@code key} (empty if none) with the store's R. */
  public CompletableFuture<SetRead<E>> getAsync(String key) {
    return reading(key).async();
  }

  /** Reads the set at {@code key}, waiting for it. */
  public SetRead<E> get(String key) {
    return reading(key).await();
  }

  /**
   * Whether {@code element} is in the set at {@code key}, with the store's R: reads only that
   * element's key, however large the set.
   */
  public CompletableFuture<Boolean> containsAsync(String key, E element) {
    return containing(key, element).async();
  }

  /** Whether {@code element} is in the set at {@code key}, waiting for the read. */
  public boolean contains(String key, E element) {
    return containing(key, element).await();
  }

  /** Adds {@code element} to the set at {@code key}, once W replicas have it. */
  public CompletableFuture<Void> addAsync(String key, E element) {
    return adding(key, element).async();
  }

  /** Adds {@code element} to the set at {@code key}, waiting for W replicas. */
  public void add(String key, E element) {
    adding(key, element).await();
  }

  /**
   * Removes {@code element} from the set at {@code key} as {@code seen}, an earlier read of that
   * key, saw it, once W replicas have it. Adds that read did not see stay.
   */
  public CompletableFuture<Void> removeAsync(String key, SetRead<E> seen, E element) {
    return removing(key, seen, element).async();
  }

  /** Removes {@code element} as {@code seen} saw it, waiting for W replicas. */
  public void remove(String key, SetRead<E> seen, E element) {
    removing(key, seen, element).await();
  }

  private Pending<SetRead<E>> reading(String key) {
    CompletableFuture<List<KeyedVersions>> sent;
    try {
      byte[] prefix = setPrefix(key);
      sent = new CompletableFuture<>();
      readPages(prefix, prefix, new ArrayList<>(), sent);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return pending(sent, entries -> setOf(key, entries.stream().map(KeyedVersions::versions).toList()));
  }

  /**
   * Reads the pages of the set's elements after {@code after} into {@code read}, one after the
   * other; a page that is ready at once is taken in this loop, not by a deeper call.
   */
  private void readPages(byte[] prefix, byte[] after, List<KeyedVersions> read,
      CompletableFuture<List<KeyedVersions>> done) {
    byte[] next = after;
    while (true) {
      CompletableFuture<PartitionChunk> page = coordination().scan(name(), prefix, next, PAGE_KEYS,
          replication().n(), replication().r(), timeout());
      if (!page.isDone()) {
        page.whenComplete((p, failure) -> {
          byte[] last = failure == null ? taken(p, read, done) : failed(failure, done);
          if (last != null) {
            readPages(prefix, last, read, done);
          }
        });
        return;
      }
      PartitionChunk p;
      try {
        p = page.join();
      } catch (RuntimeException e) {
        failed(e, done);
        return;
      }
      next = taken(p, read, done);
      if (next == null) {
        return;
      }
    }
  }

  /** Adds a page to the read; returns where the next one starts, or null (the read is done). */
  private static byte[] taken(PartitionChunk page, List<KeyedVersions> read,
      CompletableFuture<List<KeyedVersions>> done) {
    read.addAll(page.entries());
    if (page.complete() || page.entries().isEmpty()) {
      done.complete(read);
      return null;
    }
    return page.entries().get(page.entries().size() - 1).key().toArray();
  }

  private static byte[] failed(Throwable failure, CompletableFuture<?> done) {
    done.completeExceptionally(Failures.cause(failure));
    return null;
  }

  private Pending<Boolean> containing(String key, E element) {
    return readAt(() -> elementKey(key, encode(element)), versions -> setOf(key, List.of(versions)).contains(element));
  }

  private Pending<Void> adding(String key, E element) {
    return onElement(key, element, CrdtValues::add);
  }

  private Pending<Void> removing(String key, SetRead<E> seen, E element) {
    Objects.requireNonNull(seen, "seen");
    return onElement(key, element, bytes -> CrdtValues.remove(bytes, seen.seen(element)));
  }

  /** Applies the operation {@code operation} makes of the element's bytes to the element's key. */
  private Pending<Void> onElement(String key, E element, java.util.function.Function<byte[], byte[]> operation) {
    byte[][] encoded = new byte[1][]; // the element encoded once, for its key and its operation
    return updateAt(() -> elementKey(key, encoded[0] = encode(element)), () -> operation.apply(encoded[0]),
        versions -> null);
  }

  private byte[] encode(E element) {
    return codec.encode(Objects.requireNonNull(element, "element"));
  }

  /** The key of {@code element}'s state in the set at {@code key}: the set's prefix and the element's hash. */
  private byte[] elementKey(String key, byte[] element) {
    KeyHash hash = KeyHash.of(element);
    byte[] prefix = setPrefix(key);
    return ByteBuffer.allocate(prefix.length + ELEMENT_HASH_BYTES).put(prefix).putLong(hash.high())
        .putLong(hash.low()).array();
  }

  /** The prefix of the set's elements' keys, checked: an element's key must fit the key limit. */
  private byte[] setPrefix(String key) {
    byte[] k = keyBytes(key);
    byte[] prefix = GroupedKey.prefix(k);
    int added = prefix.length - k.length + ELEMENT_HASH_BYTES;
    if (k.length + added > limits().maxKeyBytes()) {
      throw new IllegalArgumentException("set key length : " + k.length + " bytes (expected: <= maxKeyBytes - "
          + added + " = " + (limits().maxKeyBytes() - added) + ": each element is kept under the set's key and "
          + added + " bytes more)");
    }
    return prefix;
  }

  /** Returns the read of the set at {@code key} whose elements' keys hold {@code stored}. */
  private SetRead<E> setOf(String key, List<VersionSet> stored) {
    List<SetState> states = new ArrayList<>(stored.size());
    for (VersionSet versions : stored) {
      states.add(decoded(key, what -> (SetState) CrdtValues.stateOf(versions, CrdtValues.Type.SET, what,
          SetState.EMPTY)));
    }
    return decoded(key, what -> SetRead.of(states, codec));
  }
}
