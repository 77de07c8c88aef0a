package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import io.dynamokv.spi.version.Dot;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A set where a concurrent add and remove of one element leave it in (an add-wins, observed-
 * remove set): each add tags the element with a new dot, and a remove takes away only the dots it
 * was given, those a read saw, so it never cancels an add it did not see. The state is each
 * present element's dots and the causal context of every add and remove seen; an element whose
 * dots are all removed is gone, and the context remembers that it was removed. Immutable.
 */
public final class SetState implements Crdt<SetState> {

  /** The empty set that has seen nothing. */
  public static final SetState EMPTY = new SetState(new TreeMap<>(), CausalContext.EMPTY);

  private final SortedMap<Element, NavigableSet<Dot>> entries;
  private final CausalContext context;

  private SetState(SortedMap<Element, NavigableSet<Dot>> entries, CausalContext context) {
    this.entries = entries;
    this.context = context;
  }

  /** Returns the elements present, in their bytes' unsigned order. */
  public List<byte[]> elements() {
    List<byte[]> out = new ArrayList<>(entries.size());
    entries.keySet().forEach(e -> out.add(e.bytes()));
    return out;
  }

  /** Returns how many elements are present. */
  public int size() {
    return entries.size();
  }

  /** Whether {@code element} is present. */
  public boolean contains(byte[] element) {
    return entries.containsKey(new Element(element));
  }

  /**
   * Visits each present element with the adds of it this state holds (as a context of their
   * dots), in their bytes' unsigned order: a remove of the element given those takes away exactly
   * the adds a read of this state saw.
   */
  public void forEachElement(java.util.function.BiConsumer<byte[], CausalContext> visitor) {
    entries.forEach((e, dots) -> visitor.accept(e.bytes(), CausalContext.of(dots)));
  }

  /** Returns the causal context: what a remove with this state's read may take away. */
  public CausalContext context() {
    return context;
  }

  /**
   * Returns the delta of adding {@code element} at {@code actor}: the element with a new dot of
   * that actor, and a context that also covers the element's present dots, which the new one
   * replaces (so an element added many times keeps one dot per concurrent adder).
   */
  public SetState addDelta(ActorId actor, byte[] element) {
    Element e = new Element(element);
    Dot dot = context.next(actor);
    NavigableSet<Dot> dots = new TreeSet<>();
    dots.add(dot);
    SortedMap<Element, NavigableSet<Dot>> d = new TreeMap<>();
    d.put(e, dots);
    List<Dot> covered = new ArrayList<>(entries.getOrDefault(e, new TreeSet<>()));
    covered.add(dot);
    return new SetState(d, CausalContext.of(covered));
  }

  /**
   * Returns the delta of removing {@code element} as a read with context {@code seen} saw it: no
   * entries, and a context of the element's dots that {@code seen} covers. A dot added since that
   * read stays, so the element stays if someone added it concurrently.
   */
  public SetState removeDelta(byte[] element, CausalContext seen) {
    List<Dot> removed = new ArrayList<>();
    for (Dot d : entries.getOrDefault(new Element(element), new TreeSet<>())) {
      if (seen.contains(d)) {
        removed.add(d);
      }
    }
    return new SetState(new TreeMap<>(), CausalContext.of(removed));
  }

  @Override
  public SetState join(SetState other) {
    if (other.entries.isEmpty() && other.context.isEmpty()) {
      return this;
    }
    SortedMap<Element, NavigableSet<Dot>> merged = new TreeMap<>();
    TreeSet<Element> keys = new TreeSet<>(entries.keySet());
    keys.addAll(other.entries.keySet());
    for (Element e : keys) {
      NavigableSet<Dot> mine = entries.getOrDefault(e, new TreeSet<>());
      NavigableSet<Dot> theirs = other.entries.getOrDefault(e, new TreeSet<>());
      NavigableSet<Dot> kept = new TreeSet<>();
      // A dot survives if both hold it, or if the side without it never saw it (so did not remove it).
      for (Dot d : mine) {
        if (theirs.contains(d) || !other.context.contains(d)) {
          kept.add(d);
        }
      }
      for (Dot d : theirs) {
        if (!context.contains(d)) {
          kept.add(d);
        }
      }
      if (!kept.isEmpty()) {
        merged.put(e, kept);
      }
    }
    return new SetState(merged, context.join(other.context));
  }

  @Override
  public void writeTo(ByteWriter out) {
    out.writeVarLong(entries.size());
    entries.forEach((e, dots) -> {
      out.writeVarLong(e.bytes().length).writeBytes(e.bytes());
      out.writeVarLong(dots.size());
      for (Dot d : dots) {
        CausalContext.writeActor(out, d.actor());
        out.writeVarLong(d.counter());
      }
    });
    context.writeTo(out);
  }

  /** Reads a state {@link #writeTo} wrote. */
  public static SetState readFrom(ByteReader in) {
    SortedMap<Element, NavigableSet<Dot>> entries = new TreeMap<>();
    int n = in.readCount("set elements", 2);
    for (int i = 0; i < n; i++) {
      byte[] e = in.readBytes(in.readCount("element bytes", 1), "element");
      NavigableSet<Dot> dots = new TreeSet<>();
      int m = in.readCount("element dots", 11);
      for (int j = 0; j < m; j++) {
        dots.add(new Dot(CausalContext.readActor(in), in.readVarLong("dot counter")));
      }
      entries.put(new Element(e), dots);
    }
    return new SetState(entries, CausalContext.readFrom(in));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SetState s && entries.equals(s.entries) && context.equals(s.context);
  }

  @Override
  public int hashCode() {
    return entries.hashCode() * 31 + context.hashCode();
  }

  @Override
  public String toString() {
    return "Set{" + entries + " " + context + "}";
  }
}
