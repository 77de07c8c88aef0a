package io.dynamokv.internal.crdt;

import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.ByteReader;
import io.dynamokv.spi.version.ByteWriter;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A last-write-wins register: the value of the write with the latest timestamp (the coordinator's
 * clock, in milliseconds), ties broken by the larger actor id, then by the larger value bytes, so
 * that every replica picks the same one. Immutable.
 */
public final class RegisterState implements Crdt<RegisterState> {

  /** Never written: loses to every write. */
  public static final RegisterState EMPTY = new RegisterState(Long.MIN_VALUE, null, new byte[0]);

  private static final Comparator<RegisterState> ORDER = Comparator.<RegisterState>comparingLong(r -> r.timestamp)
      .thenComparing(r -> r.actor, Comparator.nullsFirst(Comparator.naturalOrder()))
      .thenComparing(r -> r.value, Arrays::compareUnsigned);

  private final long timestamp;
  private final ActorId actor;
  private final byte[] value;

  private RegisterState(long timestamp, ActorId actor, byte[] value) {
    this.timestamp = timestamp;
    this.actor = actor;
    this.value = value;
  }

  /** Returns the register written with {@code value} at {@code timestamp} by {@code actor}. */
  public static RegisterState written(long timestamp, ActorId actor, byte[] value) {
    return new RegisterState(timestamp, actor, value.clone());
  }

  /** Returns the value (empty bytes if never written). */
  public byte[] value() {
    return value.clone();
  }

  /**
   * Returns {@code decode} applied to the value's bytes themselves, not a copy: for a codec that
   * reads them once (a map read decodes each register it returns, and a copy first made every
   * field's bytes twice). The decoder must neither change nor keep the array.
   */
  public <V> V decodeValue(java.util.function.Function<byte[], V> decode) {
    return decode.apply(value);
  }

  /** Whether it was ever written. */
  public boolean isWritten() {
    return actor != null;
  }

  @Override
  public RegisterState join(RegisterState other) {
    return ORDER.compare(this, other) >= 0 ? this : other;
  }

  @Override
  public void writeTo(ByteWriter out) {
    out.writeByte(actor == null ? 0 : 1);
    if (actor != null) {
      out.writeLong(timestamp);
      CausalContext.writeActor(out, actor);
      out.writeVarLong(value.length).writeBytes(value);
    }
  }

  /** Reads a register {@link #writeTo} wrote. */
  public static RegisterState readFrom(ByteReader in) {
    if (in.readUnsignedByte("register written") == 0) {
      return EMPTY;
    }
    long timestamp = in.readLong("register timestamp");
    ActorId actor = CausalContext.readActor(in);
    return new RegisterState(timestamp, actor, in.readBytes(in.readCount("register bytes", 1), "register value"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RegisterState r && timestamp == r.timestamp && java.util.Objects.equals(actor, r.actor)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(timestamp) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Register{" + (actor == null ? "unset" : timestamp + "@" + actor + "=" + value.length + "B") + "}";
  }
}
