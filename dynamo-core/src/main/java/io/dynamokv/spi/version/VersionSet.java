package io.dynamokv.spi.version;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Everything a replica knows about one key: its siblings (the versions that no write has yet
 * superseded) and the causal context (every event it has seen for the key). This is a dotted
 * version vector set in the sense of Preguiça et al. and Riak's {@code dvvset}, stored with an
 * explicit dot per sibling.
 *
 * <h2>The rules</h2>
 *
 * <ul>
 *   <li><b>Invariant.</b> Every sibling's dot is covered by the context, and an event the
 *       context covers but that is not a sibling was superseded by some write.
 *   <li><b>Update</b> ({@link #put}, {@link #delete}): a coordinator that receives a write with
 *       the context {@code seen} of an earlier read keeps the siblings {@code seen} does not
 *       cover (the writer never saw them) and adds the new value under a fresh dot of its own.
 *       Two writers with the same context therefore both survive, as siblings: the case that
 *       plain vector clocks get wrong.
 *   <li><b>Merge</b> ({@link #merge}): a sibling survives unless the other side has seen its dot
 *       and no longer holds it. Merge is commutative, associative and idempotent, so replicas
 *       may exchange sets in any order, any number of times.
 * </ul>
 *
 * <p>The metadata is one counter per actor that ever coordinated a write to the key plus one
 * dot per sibling; see {@code docs/architecture.md} for why nothing is pruned.
 *
 * <p>Immutable and thread-safe. Siblings are kept sorted by dot, so equal sets are equal
 * objects and encode to equal bytes.
 */
public final class VersionSet {

  /** The set of a key that was never written. */
  public static final VersionSet EMPTY = new VersionSet(VersionVector.EMPTY, List.of());

  private final VersionVector context;
  private final List<Sibling> siblings;

  private VersionSet(VersionVector context, List<Sibling> siblings) {
    this.context = context;
    this.siblings = siblings;
  }

  /**
   * Returns the set with the given context and siblings, validating the invariant.
   *
   * @throws IllegalArgumentException if two siblings share a dot or a dot is not covered by the
   *     context
   */
  public static VersionSet of(VersionVector context, List<Sibling> siblings) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(siblings, "siblings");
    List<Sibling> sorted = new ArrayList<>(siblings);
    sorted.sort((a, b) -> a.dot().compareTo(b.dot()));
    for (int i = 0; i < sorted.size(); i++) {
      Sibling s = Objects.requireNonNull(sorted.get(i), "sibling");
      if (!context.covers(s.dot())) {
        throw new IllegalArgumentException(
            "sibling dot " + s.dot() + " is not covered by the context " + context);
      }
      if (i > 0 && sorted.get(i - 1).dot().equals(s.dot())) {
        throw new IllegalArgumentException("two siblings share the dot " + s.dot());
      }
    }
    if (context.isEmpty() && sorted.isEmpty()) {
      return EMPTY;
    }
    return new VersionSet(context, Collections.unmodifiableList(sorted));
  }

  /**
   * Wraps already sorted, checked siblings without copying: for the codec, which verified order,
   * uniqueness and coverage itself.
   */
  static VersionSet trusted(VersionVector context, List<Sibling> sortedSiblings) {
    if (context.isEmpty() && sortedSiblings.isEmpty()) {
      return EMPTY;
    }
    return new VersionSet(context, Collections.unmodifiableList(sortedSiblings));
  }

  /** Returns every event this replica has seen for the key; a read hands it to the client. */
  public VersionVector context() {
    return context;
  }

  /** Returns the siblings, tombstones included, sorted by dot. */
  public List<Sibling> siblings() {
    return siblings;
  }

  /** Returns the siblings that hold a value (not tombstones), sorted by dot. */
  public List<Sibling> values() {
    List<Sibling> live = new ArrayList<>(siblings.size());
    for (Sibling s : siblings) {
      if (!s.isTombstone()) {
        live.add(s);
      }
    }
    return Collections.unmodifiableList(live);
  }

  /** Returns whether nothing is known of the key: no siblings and an empty context. */
  public boolean isEmpty() {
    return siblings.isEmpty() && context.isEmpty();
  }

  /** Returns whether a read sees no value: every sibling, if any, is a tombstone. */
  public boolean isDeleted() {
    for (Sibling s : siblings) {
      if (!s.isTombstone()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Applies a client's write at its coordinator: the siblings {@code seen} covers are replaced
   * by {@code value}, stamped with a new dot of {@code actor}.
   *
   * @param seen the context of the read the client made before writing (empty for a blind write)
   * @param actor the coordinator's actor id
   * @param value the new value's bytes
   * @param timestampMillis the coordinator's wall-clock time, for last-write-wins and operators
   */
  public VersionSet put(VersionVector seen, ActorId actor, byte[] value, long timestampMillis) {
    return put(seen, actor, value, timestampMillis, 0);
  }

  /**
   * As {@link #put(VersionVector, ActorId, byte[], long)}, for the client write {@code writeId}
   * (0: none): if the set already holds a copy of that write (coordinated twice), it keeps one.
   */
  public VersionSet put(VersionVector seen, ActorId actor, byte[] value, long timestampMillis, long writeId) {
    Objects.requireNonNull(value, "value");
    Dot dot = nextDot(seen, actor);
    return replaceSeen(seen, dot, Sibling.value(dot, value, timestampMillis, writeId));
  }

  /**
   * Applies a client's delete at its coordinator: like {@link #put}, with a tombstone. Siblings
   * the client did not see survive beside the tombstone, so a delete never erases a write it
   * did not know of.
   */
  public VersionSet delete(VersionVector seen, ActorId actor, long timestampMillis) {
    return delete(seen, actor, timestampMillis, 0);
  }

  /** As {@link #delete(VersionVector, ActorId, long)}, for the client delete {@code writeId} (0: none). */
  public VersionSet delete(VersionVector seen, ActorId actor, long timestampMillis, long writeId) {
    Dot dot = nextDot(seen, actor);
    return replaceSeen(seen, dot, Sibling.tombstone(dot, timestampMillis, writeId));
  }

  /**
   * The next dot of {@code actor}: above everything this replica and the client have seen from
   * it, so it is new even if the client read from a replica that was ahead of this one.
   */
  private Dot nextDot(VersionVector seen, ActorId actor) {
    Objects.requireNonNull(seen, "seen");
    Objects.requireNonNull(actor, "actor");
    requirePlausible(seen);
    return new Dot(actor, Math.addExact(Math.max(context.counter(actor), seen.counter(actor)), 1));
  }

  /**
   * Refuses a context (a client's, or a forwarding node's) that claims more events of an actor
   * than this replica holds and more than any actor issues ({@link VersionVector#MAX_CONTEXT_COUNTER}):
   * stored, such counters could soon no longer be incremented, and the key would refuse every
   * later write. A context a read returned never claims more than the replicas held.
   */
  private void requirePlausible(VersionVector seen) {
    for (int i = 0; i < seen.size(); i++) {
      long claimed = seen.counterAt(i);
      if (claimed > VersionVector.MAX_CONTEXT_COUNTER && claimed > context.counter(seen.actorAt(i))) {
        throw new IllegalArgumentException("context counter of " + seen.actorAt(i) + " : " + claimed
            + " (expected: <= " + Math.max(VersionVector.MAX_CONTEXT_COUNTER, context.counter(seen.actorAt(i)))
            + ", what the replica holds or " + VersionVector.MAX_CONTEXT_COUNTER + ")");
      }
    }
  }

  private VersionSet replaceSeen(VersionVector seen, Dot dot, Sibling added) {
    List<Sibling> next = new ArrayList<>(siblings.size() + 1);
    for (Sibling s : siblings) {
      if (!seen.covers(s.dot())) {
        next.add(s);
      }
    }
    next.add(added);
    next.sort((a, b) -> a.dot().compareTo(b.dot()));
    return new VersionSet(context.merge(seen).with(dot), Collections.unmodifiableList(withoutCopies(next)));
  }

  /**
   * Returns what a replica knows after it has learned everything {@code other} knows: the
   * siblings of both sides that neither side has seen superseded, under the merged context.
   */
  public VersionSet merge(VersionSet other) {
    Objects.requireNonNull(other, "other");
    if (other == this || other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    List<Sibling> merged = new ArrayList<>(siblings.size() + other.siblings.size());
    int i = 0;
    int j = 0;
    while (i < siblings.size() || j < other.siblings.size()) {
      Sibling mine = i < siblings.size() ? siblings.get(i) : null;
      Sibling theirs = j < other.siblings.size() ? other.siblings.get(j) : null;
      int order = mine == null ? 1 : theirs == null ? -1 : mine.dot().compareTo(theirs.dot());
      if (order == 0) {
        merged.add(Sibling.SAME_DOT_TIE_BREAK.compare(mine, theirs) >= 0 ? mine : theirs);
        i++;
        j++;
      } else if (order < 0) {
        if (!other.context.covers(mine.dot())) {
          merged.add(mine);
        }
        i++;
      } else {
        if (!context.covers(theirs.dot())) {
          merged.add(theirs);
        }
        j++;
      }
    }
    VersionSet result =
        new VersionSet(context.merge(other.context), Collections.unmodifiableList(withoutCopies(merged)));
    if (result.equals(this)) {
      return this;
    }
    return result.equals(other) ? other : result;
  }

  /**
   * Keeps one sibling of each client write that was coordinated twice: of the siblings with one
   * write id and one content, the one with the least dot (every replica picks the same). The
   * others' dots stay in the context, so a replica still holding one drops it on the next
   * merge, and the one kept survives wherever it was not superseded: merge stays a join.
   */
  private static List<Sibling> withoutCopies(List<Sibling> sortedByDot) {
    boolean named = false;
    for (Sibling s : sortedByDot) {
      named |= s.writeId() != 0;
    }
    if (!named || sortedByDot.size() < 2) {
      return sortedByDot;
    }
    List<Sibling> kept = new ArrayList<>(sortedByDot.size());
    for (Sibling s : sortedByDot) {
      boolean copy = false;
      for (Sibling earlier : kept) {
        copy |= s.sameWriteAs(earlier);
      }
      if (!copy) {
        kept.add(s);
      }
    }
    return kept;
  }

  /**
   * Returns whether every sibling is a tombstone (and there is at least one): a deleted key whose
   * tombstones {@link #collectTombstones()} could collect.
   */
  public boolean hasOnlyTombstones() {
    return !siblings.isEmpty() && isDeleted();
  }

  /**
   * Returns the set without its tombstones, keeping the whole context: a "grave" when every
   * sibling was a tombstone. A grave reads as absent, and merging it into any replica drops
   * exactly what the delete covered, so a stale replica, a late hint or a delayed message cannot
   * bring the key back; a write the delete did not see still survives. Call it only once every
   * replica holds this set; it is then safe at any time.
   */
  public VersionSet collectTombstones() {
    if (!hasOnlyTombstones()) {
      return this;
    }
    return new VersionSet(context, List.of());
  }

  /**
   * Returns how this replica's knowledge of the key relates to {@code other}'s. {@code BEFORE}
   * means merging gives {@code other}'s set: it has seen everything this one has.
   */
  public Causality compare(VersionSet other) {
    return context.compare(other.context);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VersionSet v && context.equals(v.context) && siblings.equals(v.siblings);
  }

  @Override
  public int hashCode() {
    return 31 * context.hashCode() + siblings.hashCode();
  }

  @Override
  public String toString() {
    return "VersionSet{context=" + context + ", siblings=" + siblings + "}";
  }
}
