package io.dynamokv.internal.coordinator;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor under which this node coordinates writes of keys it is not a primary of (when no
 * primary can be reached), and the version set of each key it wrote under that actor.
 *
 * <p>A node's own actor takes its next counter for a key from its local replica of the key. A
 * fallback holds no replica: the hints it keeps are delivered and deleted, so counters drawn
 * from them could be handed out twice, and two writes sharing a dot lose one of them. This actor
 * is instead fresh: an incarnation drawn at random, never saved, so no run and no earlier use
 * shares it. While it lasts, this class keeps every set it made, and each new write of a key
 * starts from the set of that key's previous one: the context a set carries claims exactly the
 * dots of this actor that the set holds or superseded, as the merge rule needs.
 *
 * <p>The sets are kept in memory. When they pass {@link #MAX_KEYS} keys or {@link #MAX_BYTES}
 * bytes, or no fallback write came for {@link #IDLE_MILLIS}, the actor retires with them and the
 * next write draws a new one. A restart does the same. Retiring costs one more context entry on
 * the keys written afterwards, never a lost or merged write.
 *
 * <p>Thread-safe; writes as a fallback are rare (every primary of a key unreachable), so one
 * lock serves.
 */
final class FallbackActor {

  /** How many keys' sets an actor keeps before it retires. */
  static final int MAX_KEYS = 10_000;
  /** How many bytes of values an actor keeps before it retires. */
  static final long MAX_BYTES = 64L << 20;
  /** How long an actor lasts after its last write. */
  static final long IDLE_MILLIS = 10 * 60_000;

  private static final Logger log = LoggerFactory.getLogger(FallbackActor.class);

  private final NodeId self;
  private final long ownIncarnation;
  private final RandomGenerator random;
  private final Clock clock;
  private ActorId actor;
  private final Map<StorageKey, VersionSet> sets = new HashMap<>();
  private long bytes;
  private long lastWriteMillis;

  /**
   * @param own the node's own actor, which a fallback actor never equals
   * @param random the node's seeded random source, so that a simulated run replays
   */
  FallbackActor(ActorId own, RandomGenerator random, Clock clock) {
    this.self = own.node();
    this.ownIncarnation = own.incarnation();
    this.random = random;
    this.clock = clock;
  }

  /**
   * Applies a write of {@code key} to the set this actor last made for it (or to the empty set),
   * and remembers the result. {@code write} is given the actor to stamp the write with.
   */
  synchronized VersionSet apply(StorageKey key, java.util.function.Function<ActorId, UnaryOperator<VersionSet>> write) {
    long now = clock.currentTimeMillis();
    if (actor == null || sets.size() >= MAX_KEYS || bytes >= MAX_BYTES || now - lastWriteMillis > IDLE_MILLIS) {
      retire();
    }
    VersionSet before = sets.getOrDefault(key, VersionSet.EMPTY);
    VersionSet after = write.apply(actor).apply(before);
    sets.put(key, after);
    bytes += valueBytes(after) - valueBytes(before);
    lastWriteMillis = now;
    return after;
  }

  /** Returns the set this actor made for {@code key}, or the empty set: a read merges it in. */
  synchronized VersionSet heldFor(StorageKey key) {
    return sets.getOrDefault(key, VersionSet.EMPTY);
  }

  /** Returns the current actor, or null if none was drawn yet (for tests). */
  synchronized ActorId current() {
    return actor;
  }

  private void retire() {
    long incarnation;
    do {
      incarnation = random.nextLong();
    } while (incarnation == ownIncarnation);
    if (actor != null) {
      log.info("fallback actor {} retires after {} keys; next: {}", actor, sets.size(), incarnation);
    }
    actor = ActorId.of(self, incarnation);
    sets.clear();
    bytes = 0;
  }

  private static long valueBytes(VersionSet set) {
    long total = 0;
    for (var s : set.siblings()) {
      total += s.isTombstone() ? 0 : s.valueLength();
    }
    return total;
  }
}
