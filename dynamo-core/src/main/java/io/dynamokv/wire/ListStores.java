package io.dynamokv.wire;

/** Asks a node which stores it holds data of; answered with {@link StoreNames}. */
public record ListStores() implements Message {
  @Override
  public MessageType type() {
    return MessageType.LIST_STORES;
  }
}
