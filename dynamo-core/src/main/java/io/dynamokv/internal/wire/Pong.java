package io.dynamokv.internal.wire;

/** The answer to a {@link Ping}. */
public record Pong(long nonce) implements WireMessage {
  @Override
  public MessageType type() {
    return MessageType.PONG;
  }
}
