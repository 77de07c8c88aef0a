package io.dynamokv.internal.wire;

/** Asks a node which stores it holds data of; answered with {@link StoreNames}. */
public record ListStores() implements WireMessage {
  @Override
  public MessageType type() {
    return MessageType.LIST_STORES;
  }
}
