package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A counter that any replica increments or decrements (a PN-counter): for each actor the total
 * it added and the total it took away, each only growing. The join keeps each actor's larger
 * totals; the value is all additions minus all subtractions. An operation's delta is the one
 * actor's new totals. Immutable.
 */
public final class CounterState implements Crdt<CounterState> {

  /** No increments. */
  public static final CounterState EMPTY = new CounterState(new TreeMap<>());

  /** An actor's totals, each the sum of its increments or decrements so far. */
  record Totals(long added, long removed) {
    Totals max(Totals o) {
      return new Totals(Math.max(added, o.added), Math.max(removed, o.removed));
    }
  }

  private final SortedMap<ActorId, Totals> totals;

  private CounterState(SortedMap<ActorId, Totals> totals) {
    this.totals = totals;
  }

  /** Returns the counter's value. */
  public long value() {
    long v = 0;
    for (Totals t : totals.values()) {
      v += t.added - t.removed;
    }
    return v;
  }

  /**
   * Returns the delta of adding {@code amount} (negative: taking it away) at {@code actor}: that
   * actor's new totals. Join it into this state to apply it.
   *
   * @throws ArithmeticException if a total would overflow
   */
  public CounterState incrementDelta(ActorId actor, long amount) {
    Totals t = totals.getOrDefault(actor, new Totals(0, 0));
    Totals next = amount >= 0 ? new Totals(Math.addExact(t.added, amount), t.removed)
        : new Totals(t.added, Math.subtractExact(t.removed, amount));
    SortedMap<ActorId, Totals> d = new TreeMap<>();
    d.put(actor, next);
    return new CounterState(d);
  }

  @Override
  public CounterState join(CounterState other) {
    if (other.totals.isEmpty()) {
      return this;
    }
    SortedMap<ActorId, Totals> merged = new TreeMap<>(totals);
    other.totals.forEach((a, t) -> merged.merge(a, t, Totals::max));
    return new CounterState(merged);
  }

  @Override
  public void writeTo(ByteWriter out) {
    out.writeVarLong(totals.size());
    totals.forEach((a, t) -> {
      CausalContext.writeActor(out, a);
      out.writeVarLong(t.added).writeVarLong(t.removed);
    });
  }

  /** Reads a state {@link #writeTo} wrote. */
  public static CounterState readFrom(ByteReader in) {
    SortedMap<ActorId, Totals> totals = new TreeMap<>();
    int n = in.readCount("counter actors", 11);
    for (int i = 0; i < n; i++) {
      totals.put(CausalContext.readActor(in), new Totals(in.readVarLong("added"), in.readVarLong("removed")));
    }
    return new CounterState(totals);
  }

  /** Returns each actor's totals (for tests). */
  Map<ActorId, Totals> totals() {
    return java.util.Collections.unmodifiableMap(totals);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CounterState c && totals.equals(c.totals);
  }

  @Override
  public int hashCode() {
    return totals.hashCode();
  }

  @Override
  public String toString() {
    return "Counter{" + value() + " " + totals + "}";
  }
}
