package io.dynamokv.internal.wire;

/**
 * The message types and their ids on the wire. Ids are part of the protocol: never reuse or
 * renumber one; add new ones.
 */
public enum MessageType {
  /** {@link Ping}. */
  PING(1),
  /** {@link Pong}. */
  PONG(2),
  /** {@link Ack}. */
  ACK(3),
  /** {@link Failure}. */
  FAILURE(4),
  /** {@link ReplicaGet}. */
  REPLICA_GET(10),
  /** {@link ReplicaGetReply}. */
  REPLICA_GET_REPLY(11),
  /** {@link ReplicaPut}. */
  REPLICA_PUT(12),
  /** {@link CoordinatePut}. */
  COORDINATE_PUT(14),
  /** {@link CoordinatePutReply}. */
  COORDINATE_PUT_REPLY(15),
  /** {@link CoordinateGet} (answered with a {@link ReplicaGetReply}). */
  COORDINATE_GET(16),
  /** {@link PrimaryGet} (answered with a {@link ReplicaGetReply}). */
  PRIMARY_GET(17),
  /** {@link PrimaryDigest} (answered with a {@link SetDigest}). */
  PRIMARY_DIGEST(19),
  /** {@link SetDigest}. */
  SET_DIGEST(21),
  /** {@link ReplicaDigest} (answered with a {@link SetDigest}). */
  REPLICA_DIGEST(22),
  /** {@link CoordinateScan} (answered with a {@link PartitionChunk}). */
  COORDINATE_SCAN(18),
  /** {@link MergeBatch}. */
  MERGE_BATCH(20),
  /** {@link PartitionScan}. */
  PARTITION_SCAN(30),
  /** {@link PartitionChunk}. */
  PARTITION_CHUNK(31),
  /** {@link MerkleLeavesRequest}. */
  MERKLE_LEAVES_REQUEST(40),
  /** {@link MerkleLeavesReply}. */
  MERKLE_LEAVES_REPLY(41),
  /** {@link Gossip}. */
  GOSSIP(50),
  /** {@link GossipDigest}. */
  GOSSIP_DIGEST(51),
  /** {@link GossipDelta}. */
  GOSSIP_DELTA(52),
  /** {@link ListStores}. */
  LIST_STORES(60),
  /** {@link StoreNames}. */
  STORE_NAMES(61),
  /** {@link DropStore} (answered with an {@link Ack}). */
  DROP_STORE(62),
  /** {@link Addressed}: a request with the id of the node it is meant for. */
  ADDRESSED(70),
  RING_QUERY(80);

  private static final MessageType[] BY_ID = new MessageType[256];

  static {
    for (MessageType t : values()) {
      BY_ID[t.id] = t;
    }
  }

  private final int id;

  MessageType(int id) {
    this.id = id;
  }

  /** Returns the id written on the wire. */
  public int id() {
    return id;
  }

  /** Returns the type with {@code id}, or null if none has it. */
  static MessageType byId(int id) {
    return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
  }
}
