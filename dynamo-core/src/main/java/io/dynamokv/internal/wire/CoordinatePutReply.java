package io.dynamokv.internal.wire;

import io.dynamokv.spi.version.VersionSet;
import java.util.Objects;

/**
 * The coordinator's version set of the key after a {@link CoordinatePut} succeeded: its context
 * always, its siblings only where the writer needs them (see {@code ReplicaService#replyOf}).
 */
public record CoordinatePutReply(VersionSet versions) implements WireMessage {

  /** Validates the parts. */
  public CoordinatePutReply {
    Objects.requireNonNull(versions, "versions");
  }

  @Override
  public MessageType type() {
    return MessageType.COORDINATE_PUT_REPLY;
  }
}
