package io.dynamokv;

import java.util.List;
import java.util.Optional;

/**
 * What a read found: the key's value (resolved, or all siblings if the store has no resolver),
 * and the {@link Context} to pass to the next put or delete of the key.
 *
 * <p>{@link #values()} is empty if the key was never written or is deleted; it has one element
 * when there is no conflict or the store's resolver merged them; it has several when siblings
 * exist and the store has no resolver. The context covers every version the read saw, so a put
 * with it replaces them all.
 */
public record GetResult<V>(List<V> values, Context context) {

  /** Copies the values. */
  public GetResult {
    values = List.copyOf(values);
  }

  /** Returns the value if there is exactly one, empty if there is none. */
  public Optional<V> value() {
    if (values.size() > 1) {
      throw new IllegalStateException(values.size() + " siblings (expected: at most 1); read values() "
          + "or give the store a ConflictResolver");
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Returns whether the key has no value (never written, or deleted). */
  public boolean isAbsent() {
    return values.isEmpty();
  }

  /** Returns whether the read found concurrent siblings that no resolver merged. */
  public boolean hasSiblings() {
    return values.size() > 1;
  }
}
