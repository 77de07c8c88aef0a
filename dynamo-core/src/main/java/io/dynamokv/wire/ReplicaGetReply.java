package io.dynamokv.wire;

import io.dynamokv.version.VersionSet;
import java.util.Objects;

/** A replica's version set of the key asked for ({@link VersionSet#EMPTY} if it has none). */
public record ReplicaGetReply(VersionSet versions) implements Message {

  /** Validates the parts. */
  public ReplicaGetReply {
    Objects.requireNonNull(versions, "versions");
  }

  @Override
  public MessageType type() {
    return MessageType.REPLICA_GET_REPLY;
  }
}
