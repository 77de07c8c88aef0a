package io.dynamokv.wire;

/** The reply to a request that has nothing to return but its success. */
public record Ack() implements Message {
  @Override
  public MessageType type() {
    return MessageType.ACK;
  }
}
