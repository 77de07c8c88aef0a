package io.dynamokv.internal;

import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor under which this node coordinates the writes of keys it is a primary of, and its
 * renewal when this node learns that its data is older than that actor's history.
 *
 * <p>The next counter of a key comes from this node's replica of the key. If the replica lost
 * events it once held (the data directory was restored from an old copy, which looks cleanly
 * closed), a new write would take a counter already handed out, and one of the two writes that
 * share it would vanish. The evidence shows wherever a version set from elsewhere meets this
 * node's replica: a set that claims more events of this actor than the replica holds. This node
 * never sends such a set (it applies a write to its replica before it sends it), so the replica
 * must have lost them; the same holds when a peer remembers a run of this node that its disk
 * does not. On that evidence the actor is renewed: a new incarnation, used at once and saved.
 * Renewing is always safe; it costs one more context entry on the keys written after it.
 *
 * <p>Thread-safe.
 */
public final class OwnActor {

  /** Where the incarnation is saved in the storage's metadata. */
  public static final String META_INCARNATION = "node/incarnation";

  private static final Logger log = LoggerFactory.getLogger(OwnActor.class);

  private final StorageEngine storage;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final AtomicLong renewals = new AtomicLong();
  private volatile ActorId current;

  /**
   * @param initial the actor the node's storage holds, or a fresh one
   * @param random the node's seeded random source, so that a simulated run replays
   */
  public OwnActor(ActorId initial, StorageEngine storage, Scheduler scheduler, RandomGenerator random) {
    this.current = Objects.requireNonNull(initial, "initial");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** Returns the actor to stamp a new write with. */
  public ActorId current() {
    return current;
  }

  /** Returns how many times the actor was renewed in this run. */
  public long renewals() {
    return renewals.get();
  }

  /**
   * Returns the merge of a set from elsewhere into this node's replica of a key, renewing the
   * actor first if the set claims events of it that the replica lacks.
   */
  public UnaryOperator<VersionSet> mergeInto(VersionSet incoming) {
    return held -> {
      checkAgainst(held, incoming.context(), "a version set from a peer");
      return held.merge(incoming);
    };
  }

  /**
   * Renews the actor if {@code claims} (a context from elsewhere: a peer's set, a client's
   * context) holds more events of it than {@code held}, this node's replica of the same key.
   * A claim no actor could have made (over {@link VersionVector#MAX_CONTEXT_COUNTER}) is no
   * evidence: the write that carries it is refused. Cheap enough for every write: one counter
   * lookup in each.
   */
  public void checkAgainst(VersionSet held, VersionVector claims, String source) {
    ActorId actor = current;
    long claimed = claims.counter(actor);
    if (claimed > held.context().counter(actor) && claimed <= VersionVector.MAX_CONTEXT_COUNTER) {
      renew(actor, source + " holds event " + claimed + " of " + actor + ", but this node's replica holds "
          + held.context().counter(actor) + ": its data is older than its actor's history");
    }
  }

  /**
   * Stops using {@code stale}, if it is still the actor, for a new incarnation; returns the
   * actor now in use. The new incarnation is used at once, and saved in the background (and on
   * {@link #save()}, which a clean stop calls).
   */
  public ActorId renew(ActorId stale, String evidence) {
    synchronized (this) {
      if (!current.equals(stale)) {
        return current;
      }
      long incarnation;
      do {
        incarnation = random.nextLong();
      } while (incarnation == stale.incarnation());
      current = ActorId.of(stale.node(), incarnation);
      renewals.incrementAndGet();
    }
    log.warn("{}: taking a new incarnation, {}: {}", stale.node(), current, evidence);
    scheduler.execute(() -> {
      try {
        save();
      } catch (RuntimeException e) {
        log.warn("{}: could not save the new incarnation (saved again when the node stops): {}", stale.node(),
            e.toString());
      }
    });
    return current;
  }

  /** Saves the current incarnation in the storage's metadata; waits until it is durable. */
  public synchronized void save() {
    saveIncarnation(storage, current.incarnation()).join();
  }

  /** Saves {@code incarnation} as the node's, where {@code NodeIdentity} reads it at start. */
  public static CompletableFuture<Void> saveIncarnation(StorageEngine storage, long incarnation) {
    return storage.putMetadata(META_INCARNATION, ByteBuffer.allocate(8).putLong(incarnation).array());
  }
}
