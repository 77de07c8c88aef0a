package io.dynamokv;

import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.crdt.SetState;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
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
 * Thread-safe.
 */
public final class SetStore<E> extends StoreHandle {

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
    return read(key, versions -> setOf(key, versions));
  }

  private Pending<Void> adding(String key, E element) {
    return update(key, () -> CrdtValues.add(encode(element)), versions -> null);
  }

  private Pending<Void> removing(String key, SetRead<E> seen, E element) {
    return update(key, () -> CrdtValues.remove(encode(element), Objects.requireNonNull(seen, "seen").context()),
        versions -> null);
  }

  private byte[] encode(E element) {
    return codec.encode(Objects.requireNonNull(element, "element"));
  }

  private SetRead<E> setOf(String key, VersionSet versions) {
    SetState state = decoded(key, what -> (SetState) CrdtValues.stateOf(versions, CrdtValues.Type.SET, what,
        SetState.EMPTY));
    Set<E> elements = new LinkedHashSet<>();
    for (byte[] e : state.elements()) {
      elements.add(codec.decode(e));
    }
    return new SetRead<>(elements, state.context());
  }
}
