package io.dynamokv.internal.wire;

/**
 * The reply to a {@link PrimaryDigest}: the key's Merkle digest on the node that answered
 * ({@link io.dynamokv.spi.StorageEngine#digest}), 0 if it holds nothing of the key. Equal sets
 * have equal digests, as the digest is of the set's canonical encoding.
 */
public record SetDigest(long digest) implements WireMessage {

  @Override
  public MessageType type() {
    return MessageType.SET_DIGEST;
  }
}
