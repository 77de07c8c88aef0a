package io.dynamokv.wire;

/** A liveness probe; answered with a {@link Pong} carrying the same nonce. */
public record Ping(long nonce) implements Message {
  @Override
  public MessageType type() {
    return MessageType.PING;
  }
}
