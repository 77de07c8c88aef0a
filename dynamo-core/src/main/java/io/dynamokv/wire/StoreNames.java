package io.dynamokv.wire;

import java.util.List;

/** The stores a node holds data of, sorted. */
public record StoreNames(List<String> names) implements Message {

  /** Copies the names. */
  public StoreNames {
    names = List.copyOf(names);
  }

  @Override
  public MessageType type() {
    return MessageType.STORE_NAMES;
  }
}
