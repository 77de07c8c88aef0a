package io.dynamokv;

import io.dynamokv.internal.Coordination;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.crdt.CrdtValues;
import io.dynamokv.internal.crdt.MapState;
import io.dynamokv.spi.version.VersionSet;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Maps by key, whose fields are registers, counters, sets, flags and nested maps, each changed
 * on its own: an update sends the changes (a {@link MapUpdate}) to a replica of the key, which
 * applies them to its map in one write, so a change costs one round trip and never a
 * read-modify-write; concurrent changes to different fields all stay; there are never siblings.
 * Open one with {@link Stores#maps}.
 *
 * <pre>{@code
 * MapStore sessions = node.maps("sessions");
 * sessions.update("s-42", new MapUpdate().register("user", Codec.utf8(), "alice").increment("pages", 1));
 * MapRead session = sessions.get("s-42");
 * long pages = session.counter("pages");
 * }</pre>
 *
 * <p>A register keeps the write with the latest timestamp of its coordinator's clock (ties: the
 * larger actor id, then the larger value), so a register written at once from two places keeps
 * one of the two. Removing a field takes away what a read saw of it; a concurrent update keeps
 * the field, with what it held. Thread-safe.
 */
public final class MapStore extends StoreHandle {

  MapStore(String name, Replication replication, Coordination coordination, Executor callbacks, Duration timeout,
      Limits limits) {
    super(name, replication, coordination, callbacks, timeout, limits);
  }

  /** Reads the map at {@code key} (empty if none) with the store's R. */
  public CompletableFuture<MapRead> getAsync(String key) {
    return reading(key).async();
  }

  /** Reads the map at {@code key}, waiting for it. */
  public MapRead get(String key) {
    return reading(key).await();
  }

  /** Applies {@code changes} to the map at {@code key} in one write, once W replicas have it. */
  public CompletableFuture<Void> updateAsync(String key, MapUpdate changes) {
    return updating(key, changes).async();
  }

  /** Applies {@code changes} to the map at {@code key}, waiting for W replicas. */
  public void update(String key, MapUpdate changes) {
    updating(key, changes).await();
  }

  private Pending<MapRead> reading(String key) {
    return read(key, versions -> mapOf(key, versions));
  }

  private Pending<Void> updating(String key, MapUpdate changes) {
    return update(key, () -> CrdtValues.mapUpdate(Objects.requireNonNull(changes, "changes").ops()), versions -> null);
  }

  private MapRead mapOf(String key, VersionSet versions) {
    return new MapRead(decoded(key, what -> (MapState) CrdtValues.stateOf(versions, CrdtValues.Type.MAP, what,
        MapState.EMPTY)));
  }
}
