package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ByteWriter;

/**
 * A state-based CRDT: a value that replicas change apart and bring together by a join that is
 * commutative, associative and idempotent, so that replicas that saw the same changes, in any
 * order and any number of times, hold the same state. Operations return deltas: small states
 * that, joined into the state, apply the operation (delta-state CRDTs, Almeida et al. 2018).
 *
 * @param <T> the state's own type
 */
public interface Crdt<T extends Crdt<T>> {

  /** Returns the least state that holds both this one and {@code other}. */
  T join(T other);

  /** Writes the state; each type has a {@code readFrom} that reads it back. */
  void writeTo(ByteWriter out);
}
