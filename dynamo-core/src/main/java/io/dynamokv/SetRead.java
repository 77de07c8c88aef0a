package io.dynamokv;

import io.dynamokv.internal.crdt.CausalContext;
import io.dynamokv.internal.crdt.SetState;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A read of a set ({@link SetStore#get}): its elements, and the adds of each it saw, which a
 * remove passes on so that it takes away only those adds. Immutable.
 */
public final class SetRead<E> {

  private final Map<E, CausalContext> seen;

  private SetRead(Map<E, CausalContext> seen) {
    this.seen = Collections.unmodifiableMap(seen);
  }

  /**
   * Returns the read of the elements {@code states} hold, decoded by {@code codec}, in the order
   * of their encoded bytes. Each state holds its own elements (a whole set, or the elements one
   * key of a set holds), so their adds are kept apart, not joined.
   */
  static <E> SetRead<E> of(Iterable<SetState> states, Codec<E> codec) {
    Map<byte[], CausalContext> ordered = new TreeMap<>(Arrays::compareUnsigned);
    for (SetState state : states) {
      state.forEachElement((element, adds) -> ordered.merge(element, adds, CausalContext::join));
    }
    Map<E, CausalContext> seen = new LinkedHashMap<>();
    ordered.forEach((element, adds) -> seen.merge(codec.decode(element), adds, CausalContext::join));
    return new SetRead<>(seen);
  }

  /** Returns the elements, in the order of their encoded bytes. */
  public Set<E> elements() {
    return seen.keySet();
  }

  /** Whether {@code element} is in the set. */
  public boolean contains(E element) {
    return seen.containsKey(element);
  }

  /** Returns the adds of {@code element} this read saw: what a remove of it takes away. */
  CausalContext seen(E element) {
    return seen.getOrDefault(element, CausalContext.EMPTY);
  }

  @Override
  public String toString() {
    return seen.keySet().toString();
  }
}
