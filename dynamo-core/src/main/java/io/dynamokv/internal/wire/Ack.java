package io.dynamokv.internal.wire;

/** The reply to a request that has nothing to return but its success. */
public record Ack() implements WireMessage {
  @Override
  public MessageType type() {
    return MessageType.ACK;
  }
}
