package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.Dot;
import io.dynamokv.spi.version.VersionSetCodec;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The events a CRDT state has seen: for each actor every counter up to a maximum (the compact
 * part), and the dots seen beyond it out of order (the cloud), as a delta that arrived before an
 * earlier one leaves. Immutable; a dot that becomes contiguous with the compact part is folded in.
 */
public final class CausalContext {

  /** No events. */
  public static final CausalContext EMPTY = new CausalContext(new TreeMap<>(), new TreeSet<>());

  private final SortedMap<ActorId, Long> compact;
  private final NavigableSet<Dot> cloud;

  private CausalContext(SortedMap<ActorId, Long> compact, NavigableSet<Dot> cloud) {
    this.compact = compact;
    this.cloud = cloud;
  }

  /** Returns the context of exactly {@code dots}. */
  public static CausalContext of(Collection<Dot> dots) {
    return normalized(new TreeMap<>(), new TreeSet<>(dots));
  }

  private static CausalContext normalized(SortedMap<ActorId, Long> compact, NavigableSet<Dot> cloud) {
    boolean moved = true;
    while (moved) {
      moved = false;
      for (var it = cloud.iterator(); it.hasNext();) {
        Dot d = it.next();
        long max = compact.getOrDefault(d.actor(), 0L);
        if (d.counter() <= max) {
          it.remove();
        } else if (d.counter() == max + 1) {
          compact.put(d.actor(), d.counter());
          it.remove();
          moved = true;
        }
      }
    }
    return new CausalContext(compact, cloud);
  }

  /** Whether {@code dot} is among the events seen. */
  public boolean contains(Dot dot) {
    return dot.counter() <= compact.getOrDefault(dot.actor(), 0L) || cloud.contains(dot);
  }

  /** Returns the next dot of {@code actor}: one past every counter of it seen. */
  public Dot next(ActorId actor) {
    long max = compact.getOrDefault(actor, 0L);
    for (Dot d : cloud) {
      if (d.actor().equals(actor)) {
        max = Math.max(max, d.counter());
      }
    }
    return new Dot(actor, max + 1);
  }

  /** Returns this context with {@code dot} seen too. */
  public CausalContext with(Dot dot) {
    if (contains(dot)) {
      return this;
    }
    NavigableSet<Dot> c = new TreeSet<>(cloud);
    c.add(dot);
    return normalized(new TreeMap<>(compact), c);
  }

  /** Returns the events either context has seen. */
  public CausalContext join(CausalContext other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    SortedMap<ActorId, Long> c = new TreeMap<>(compact);
    other.compact.forEach((a, n) -> c.merge(a, n, Math::max));
    if (cloud.isEmpty()) {
      // The usual join, a delta's few dots into a state's context: each dot either seen already
      // or the next of its actor, folded in as it comes (they are in order), nothing left over.
      NavigableSet<Dot> left = null;
      for (Dot dot : other.cloud) {
        long max = c.getOrDefault(dot.actor(), 0L);
        if (dot.counter() == max + 1) {
          c.put(dot.actor(), dot.counter());
        } else if (dot.counter() > max) {
          if (left == null) {
            left = new TreeSet<>();
          }
          left.add(dot);
        }
      }
      return left == null ? new CausalContext(c, java.util.Collections.emptyNavigableSet()) : normalized(c, left);
    }
    NavigableSet<Dot> d = new TreeSet<>(cloud);
    d.addAll(other.cloud);
    return normalized(c, d);
  }

  /** Whether nothing was seen. */
  public boolean isEmpty() {
    return compact.isEmpty() && cloud.isEmpty();
  }

  /** Writes the context. */
  public void writeTo(ByteWriter out) {
    out.writeVarLong(compact.size());
    compact.forEach((a, n) -> {
      writeActor(out, a);
      out.writeVarLong(n);
    });
    out.writeVarLong(cloud.size());
    for (Dot d : cloud) {
      writeActor(out, d.actor());
      out.writeVarLong(d.counter());
    }
  }

  /** Reads a context {@link #writeTo} wrote. */
  public static CausalContext readFrom(ByteReader in) {
    SortedMap<ActorId, Long> compact = new TreeMap<>();
    long actors = in.readCount("context actors", 3);
    for (long i = 0; i < actors; i++) {
      compact.put(readActor(in), in.readVarLong("context counter"));
    }
    NavigableSet<Dot> cloud = new TreeSet<>();
    long dots = in.readCount("context dots", 3);
    for (long i = 0; i < dots; i++) {
      cloud.add(new Dot(readActor(in), in.readVarLong("dot counter")));
    }
    compact.values().removeIf(n -> n == 0);
    return normalized(compact, cloud);
  }

  static void writeActor(ByteWriter out, ActorId actor) {
    VersionSetCodec.writeActor(out, actor);
  }

  static ActorId readActor(ByteReader in) {
    return VersionSetCodec.readActor(in);
  }

  /** Returns the compact part: each actor's highest counter below which every event was seen. */
  Map<ActorId, Long> compact() {
    return java.util.Collections.unmodifiableMap(compact);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CausalContext c && compact.equals(c.compact) && cloud.equals(c.cloud);
  }

  @Override
  public int hashCode() {
    return Objects.hash(compact, cloud);
  }

  @Override
  public String toString() {
    return "{" + compact + (cloud.isEmpty() ? "" : " + " + cloud) + "}";
  }
}
