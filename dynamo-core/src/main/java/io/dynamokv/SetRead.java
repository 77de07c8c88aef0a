package io.dynamokv;

import io.dynamokv.internal.crdt.CausalContext;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A read of a set ({@link SetStore#get}): its elements, and what it saw, which a remove passes on
 * so that it takes away only those adds. Immutable.
 */
public final class SetRead<E> {

  private final Set<E> elements;
  private final CausalContext context;

  SetRead(Set<E> elements, CausalContext context) {
    this.elements = Collections.unmodifiableSet(new LinkedHashSet<>(elements));
    this.context = context;
  }

  /** Returns the elements, in the order of their encoded bytes. */
  public Set<E> elements() {
    return elements;
  }

  /** Whether {@code element} is in the set. */
  public boolean contains(E element) {
    return elements.contains(element);
  }

  CausalContext context() {
    return context;
  }

  @Override
  public String toString() {
    return elements.toString();
  }
}
