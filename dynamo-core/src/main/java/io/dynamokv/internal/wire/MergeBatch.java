package io.dynamokv.internal.wire;

import java.util.List;

/**
 * Version sets for the receiver to merge into its own replicas: delivered hints, anti-entropy
 * repairs and partition transfers. Answered with an {@link Ack} once all are durable.
 */
public record MergeBatch(List<KeyedVersions> entries) implements WireMessage {

  /** Copies the list. */
  public MergeBatch {
    entries = List.copyOf(entries);
  }

  @Override
  public MessageType type() {
    return MessageType.MERGE_BATCH;
  }
}
