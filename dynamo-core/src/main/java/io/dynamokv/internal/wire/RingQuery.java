package io.dynamokv.internal.wire;

/**
 * A client's question to any node: what are the members and the committed ring? Names the ring
 * the client holds (version and fingerprint; 0 and 0 for none), so that the usual answer, "the
 * same", is an {@link Ack}; otherwise the node answers with its whole state as a {@link Gossip}.
 */
public record RingQuery(long knownVersion, long knownFingerprint) implements WireMessage {

  /** Validates the version. */
  public RingQuery {
    if (knownVersion < 0) {
      throw new IllegalArgumentException("knownVersion : " + knownVersion + " (expected: >= 0)");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.RING_QUERY;
  }
}
