package io.dynamokv.internal.ring;

/**
 * Names one ring: its version and a fingerprint of its owners. Two nodes that plan a new ring
 * at the same time may give different rings the same version; ordering by the fingerprint next
 * makes every node pick the same one, so the cluster converges without a leader.
 *
 * <p>{@link #NONE} (version 0) sorts before every real ring.
 */
public record RingId(long version, long fingerprint) implements Comparable<RingId> {

  /** No ring. */
  public static final RingId NONE = new RingId(0, 0);

  /** Validates the version. */
  public RingId {
    if (version < 0) {
      throw new IllegalArgumentException("version : " + version + " (expected: >= 0)");
    }
  }

  @Override
  public int compareTo(RingId o) {
    int c = Long.compare(version, o.version);
    return c != 0 ? c : Long.compare(fingerprint, o.fingerprint);
  }

  /** Returns whether this names a later ring than {@code o}. */
  public boolean isAfter(RingId o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return "v" + version + "/" + Long.toHexString(fingerprint);
  }
}
