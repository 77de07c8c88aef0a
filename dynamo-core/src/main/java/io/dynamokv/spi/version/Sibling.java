package io.dynamokv.spi.version;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One version of a key's value: the bytes a client wrote, or a tombstone for a delete, stamped
 * with the {@link Dot} of the write that created it.
 *
 * <p>The timestamp is the coordinator's wall clock at the write. It plays no part in
 * causality; it is there for last-write-wins resolution and for operators.
 *
 * <p>The write id, when not 0, names the client write the sibling came from, chosen once by the
 * node that took the write and carried on every retry: if a write is coordinated twice (its
 * first coordinator applied it but answered too late), its two siblings carry one write id, and
 * a version set keeps only one of them.
 *
 * <p>Immutable: the bytes are copied in and {@link #value()} copies them out; use
 * {@link #valueView()} to read them without a copy.
 */
public final class Sibling {

  /**
   * The order used to pick one of two siblings that claim the same dot but differ, which only
   * corrupt or hand-edited data can produce: deterministic, so every replica picks the same.
   */
  static final Comparator<Sibling> SAME_DOT_TIE_BREAK =
      Comparator.comparing(Sibling::isTombstone)
          .thenComparingLong(Sibling::timestampMillis)
          .thenComparing((a, b) -> Arrays.compareUnsigned(a.value, a.offset, a.end(), b.value, b.offset, b.end()));

  private static final byte[] NO_BYTES = new byte[0];

  private final Dot dot;
  // The value is length bytes of this array from offset: the whole array, unless the codec
  // decoded the sibling from an array that it was given to keep (VersionSetCodec.decodeSharing).
  private final byte[] value;
  private final int offset;
  private final int length;
  private final boolean tombstone;
  private final long timestampMillis;
  private final long writeId;

  private Sibling(Dot dot, byte[] value, int offset, int length, boolean tombstone, long timestampMillis,
      long writeId) {
    this.dot = Objects.requireNonNull(dot, "dot");
    this.value = value;
    this.offset = offset;
    this.length = length;
    this.tombstone = tombstone;
    this.timestampMillis = timestampMillis;
    this.writeId = writeId;
  }

  /** Returns a sibling holding a copy of {@code value}, of no named write. */
  public static Sibling value(Dot dot, byte[] value, long timestampMillis) {
    return value(dot, value, timestampMillis, 0);
  }

  /** Returns a sibling holding a copy of {@code value}, from the write {@code writeId} (0: none). */
  public static Sibling value(Dot dot, byte[] value, long timestampMillis, long writeId) {
    Objects.requireNonNull(value, "value");
    return new Sibling(dot, value.clone(), 0, value.length, false, timestampMillis, writeId);
  }

  /**
   * Returns a sibling whose value is {@code length} bytes of {@code buf} from {@code offset}, not
   * copied: for the codec, which made the array or was given it to keep.
   */
  static Sibling owned(Dot dot, byte[] buf, int offset, int length, long timestampMillis, long writeId) {
    Objects.checkFromIndexSize(offset, length, buf.length);
    return new Sibling(dot, buf, offset, length, false, timestampMillis, writeId);
  }

  /** Returns a tombstone: the marker of a delete, which has no value. */
  public static Sibling tombstone(Dot dot, long timestampMillis) {
    return tombstone(dot, timestampMillis, 0);
  }

  /** Returns a tombstone of the delete {@code writeId} (0: none). */
  public static Sibling tombstone(Dot dot, long timestampMillis, long writeId) {
    return new Sibling(dot, NO_BYTES, 0, 0, true, timestampMillis, writeId);
  }

  /** Returns the id of the client write this sibling came from, or 0 if it names none. */
  public long writeId() {
    return writeId;
  }

  /** Returns whether {@code other} is a copy of the same client write: the same non-zero id and content. */
  boolean sameWriteAs(Sibling other) {
    return writeId != 0 && writeId == other.writeId && tombstone == other.tombstone
        && sameBytes(other);
  }

  private boolean sameBytes(Sibling other) {
    return Arrays.equals(value, offset, end(), other.value, other.offset, other.end());
  }

  private int end() {
    return offset + length;
  }

  /** Returns the dot of the write that created this sibling. */
  public Dot dot() {
    return dot;
  }

  /** Returns whether this sibling marks a delete. */
  public boolean isTombstone() {
    return tombstone;
  }

  /** Returns a copy of the value's bytes (empty for a tombstone). */
  public byte[] value() {
    return Arrays.copyOfRange(value, offset, end());
  }

  /**
   * Returns a reader over the value's bytes, without copying them: for a decoder of the value
   * (a built-in type's state is decoded at every operation on it).
   */
  public ByteReader valueReader() {
    return new ByteReader(value, offset, length);
  }

  /** Returns a read-only view of the value's bytes, without copying them. */
  public ByteBuffer valueView() {
    return ByteBuffer.wrap(value, offset, length).slice().asReadOnlyBuffer();
  }

  /** Returns the value's length in bytes. */
  public int valueLength() {
    return length;
  }

  /** Returns the coordinator's wall-clock time of the write, in milliseconds since the epoch. */
  public long timestampMillis() {
    return timestampMillis;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sibling s
        && dot.equals(s.dot)
        && tombstone == s.tombstone
        && timestampMillis == s.timestampMillis
        && writeId == s.writeId
        && sameBytes(s);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = offset; i < end(); i++) {
      h = 31 * h + value[i]; // as Arrays.hashCode of the value alone
    }
    return 31 * dot.hashCode() + h;
  }

  @Override
  public String toString() {
    if (tombstone) {
      return dot + "=<deleted>";
    }
    String shown = length <= 16
        ? HexFormat.of().formatHex(value, offset, end())
        : HexFormat.of().formatHex(value, offset, offset + 16) + "..(" + length + " bytes)";
    return dot + "=" + shown;
  }
}
