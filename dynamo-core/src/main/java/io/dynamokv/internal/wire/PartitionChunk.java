package io.dynamokv.internal.wire;

import java.util.List;

/** One page of a partition scan; {@code complete} is true when nothing follows it. */
public record PartitionChunk(List<KeyedVersions> entries, boolean complete) implements WireMessage {

  /** Copies the list. */
  public PartitionChunk {
    entries = List.copyOf(entries);
  }

  @Override
  public MessageType type() {
    return MessageType.PARTITION_CHUNK;
  }
}
