package io.dynamokv.internal.wire;

import java.util.Objects;

/** The reply to a request whose handler failed: what went wrong, in the peer's words. */
public record Failure(String message) implements WireMessage {

  /** Validates the message. */
  public Failure {
    Objects.requireNonNull(message, "message");
  }

  @Override
  public MessageType type() {
    return MessageType.FAILURE;
  }
}
