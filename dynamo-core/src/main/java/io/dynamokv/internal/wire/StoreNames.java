package io.dynamokv.internal.wire;

import java.util.List;

/** The stores a node holds data of, sorted. */
public record StoreNames(List<String> names) implements WireMessage {

  /** Copies the names. */
  public StoreNames {
    names = List.copyOf(names);
  }

  @Override
  public MessageType type() {
    return MessageType.STORE_NAMES;
  }
}
