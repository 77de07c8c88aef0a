package io.dynamokv.wire;

/** The answer to a {@link Ping}. */
public record Pong(long nonce) implements Message {
  @Override
  public MessageType type() {
    return MessageType.PONG;
  }
}
