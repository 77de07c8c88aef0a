package io.dynamokv.internal.wire;

import io.dynamokv.spi.version.VersionSet;
import java.util.Objects;

/** A replica's version set of the key asked for ({@link VersionSet#EMPTY} if it has none). */
public record ReplicaGetReply(VersionSet versions) implements WireMessage {

  /** Validates the parts. */
  public ReplicaGetReply {
    Objects.requireNonNull(versions, "versions");
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_GET_REPLY;
  }
}
