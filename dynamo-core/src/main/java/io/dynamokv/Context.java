package io.dynamokv;

import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.VersionSetCodec;
import io.dynamokv.spi.version.VersionVector;
import java.util.Objects;

/**
 * What a read saw, handed back with the next write so that the write replaces exactly the
 * versions that read returned, and nothing it did not see.
 *
 * <p>Treat it as opaque: keep it with the value you read and pass it to the put or delete that
 * follows. {@link #toBytes()} and {@link #fromBytes(byte[])} let a stateless service carry it
 * through a client (in a hidden form field or a header, say). A blind write, one with
 * {@link #EMPTY}, replaces nothing: if the key has a value, the new one becomes its sibling.
 */
public final class Context {

  /** The context of a read that found nothing; use it for a first write. */
  public static final Context EMPTY = new Context(VersionVector.EMPTY);

  private final VersionVector seen;

  private Context(VersionVector seen) {
    this.seen = seen;
  }

  /**
   * Returns the context that covers exactly the events in {@code seen}.
   */
  public static Context of(VersionVector seen) {
    Objects.requireNonNull(seen, "seen");
    return seen.isEmpty() ? EMPTY : new Context(seen);
  }

  /**
   * Decodes a context that {@link #toBytes()} produced.
   *
   * @throws IllegalArgumentException if the bytes are not a context (the cause says where they
   *     went wrong). A context that claims more than the replicas hold is refused by the write
   *     it is given to, before anything is written.
   */
  public static Context fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    VersionVector seen;
    try {
      seen = VersionSetCodec.decodeVector(bytes);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("context bytes : not a context (" + e.getMessage() + ")", e);
    }
    return of(seen);
  }

  /** Returns a compact binary form of this context. */
  public byte[] toBytes() {
    return VersionSetCodec.encodeVector(seen);
  }

  /** Returns the causal history this context covers. */
  public VersionVector versionVector() {
    return seen;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Context c && seen.equals(c.seen);
  }

  @Override
  public int hashCode() {
    return seen.hashCode();
  }

  @Override
  public String toString() {
    return "Context" + seen;
  }
}
