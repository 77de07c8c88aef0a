package io.dynamokv.wire;

/**
 * A request or a reply exchanged between nodes: immutable records, one per {@link MessageType}.
 * A transport carries them as they are (the simulated network) or as bytes through
 * {@link FrameCodec} (a socket transport). The set is closed, so the codec knows every type.
 */
public sealed interface Message
    permits Ping, Pong, Ack, Failure, ReplicaGet, ReplicaGetReply, ReplicaPut, CoordinatePut,
        CoordinatePutReply, CoordinateGet, MergeBatch, PartitionScan, PartitionChunk, MerkleLeavesRequest,
        MerkleLeavesReply, Gossip, GossipDigest, GossipDelta, ListStores, StoreNames {

  /** Returns this message's type, which the codec writes before the payload. */
  MessageType type();
}
