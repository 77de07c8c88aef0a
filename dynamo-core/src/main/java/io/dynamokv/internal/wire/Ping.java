package io.dynamokv.internal.wire;

/** A liveness probe; answered with a {@link Pong} carrying the same nonce. */
public record Ping(long nonce) implements WireMessage {
  @Override
  public MessageType type() {
    return MessageType.PING;
  }
}
