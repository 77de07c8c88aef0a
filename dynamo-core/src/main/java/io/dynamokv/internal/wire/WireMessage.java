package io.dynamokv.internal.wire;

import io.dynamokv.spi.Message;

/**
 * A request or a reply exchanged between nodes: immutable records, one per {@link MessageType}.
 * A transport carries them as they are (the simulated network) or as bytes through
 * {@link FrameCodec} (a socket transport). The set is closed, so the codec knows every type.
 */
public sealed interface WireMessage extends Message
    permits Ping, Pong, Ack, Failure, ReplicaGet, ReplicaDigest, ReplicaGetReply, ReplicaPut, CoordinatePut,
        CoordinatePutReply, CoordinateGet, PrimaryGet, PrimaryDigest, SetDigest, CoordinateScan, MergeBatch, PartitionScan, PartitionChunk, MerkleLeavesRequest,
        MerkleLeavesReply, Gossip, GossipDigest, GossipDelta, ListStores, StoreNames, DropStore, Addressed,
        RingQuery {

  /** Returns this message's type, which the codec writes before the payload. */
  MessageType type();

  /**
   * Returns {@code message} as a protocol message: every message the core sends is one; a
   * transport handed another kind cannot encode it.
   *
   * @throws IllegalArgumentException if {@code message} is not one of the protocol's records
   */
  static WireMessage of(Message message) {
    if (message instanceof WireMessage m) {
      return m;
    }
    throw new IllegalArgumentException("message : " + message + " (expected: a protocol message of the core)");
  }
}
