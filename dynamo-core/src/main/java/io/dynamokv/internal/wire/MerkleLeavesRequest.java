package io.dynamokv.internal.wire;

import io.dynamokv.spi.ScanRange;

/** Asks a replica for the Merkle leaves of one store's partition. */
public record MerkleLeavesRequest(String store, int partition) implements WireMessage {

  /** Validates the parts. */
  public MerkleLeavesRequest {
    ScanRange.partition(store, partition); // validates
  }

  @Override
  public MessageType type() {
    return MessageType.MERKLE_LEAVES_REQUEST;
  }
}
