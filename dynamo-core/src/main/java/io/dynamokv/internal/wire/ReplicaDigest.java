package io.dynamokv.internal.wire;

import java.util.Objects;

/**
 * Asks a replica for the digest of its version set of the key {@code read} names; answered with
 * a {@link SetDigest}. A coordinator that holds the key reads its own copy and asks the other
 * replicas for their digests: a digest equal to its own copy's stands for that copy, and one that
 * differs is followed by the {@link ReplicaGet} itself, to merge and repair. On the wire, the
 * read's payload under its own type.
 */
public record ReplicaDigest(ReplicaGet read) implements WireMessage {

  /** Validates the parts. */
  public ReplicaDigest {
    Objects.requireNonNull(read, "read");
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_DIGEST;
  }
}
