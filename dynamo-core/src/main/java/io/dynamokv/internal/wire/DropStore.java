package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;

/** Asks a node to drop everything it holds of one store: its data, hints and name. Answered with an {@link Ack}. */
public record DropStore(String store) implements WireMessage {

  /** Validates the store name. */
  public DropStore {
    StorageKey.validateStore(store);
  }

  @Override
  public MessageType type() {
    return MessageType.DROP_STORE;
  }
}
