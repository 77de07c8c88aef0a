package io.dynamokv.internal.wire;

import java.util.Objects;

/**
 * A client's read of the digest of one replica's copy of a key, beside a {@link PrimaryGet} of
 * the whole copy from another primary: {@code read} names the key, and the node answers as it
 * would that read, with a {@link SetDigest} of its own set instead of the set (or a
 * {@link Failure} if it is not one of the key's primaries). A read with R replicas then moves one
 * copy and R - 1 digests: the client checks that the digests are the copy's own, and reads
 * through a coordinator if one is not. On the wire, the read's payload under its own type.
 */
public record PrimaryDigest(PrimaryGet read) implements WireMessage {

  /** Validates the parts. */
  public PrimaryDigest {
    Objects.requireNonNull(read, "read");
  }

  @Override
  public MessageType type() {
    return MessageType.PRIMARY_DIGEST;
  }
}
