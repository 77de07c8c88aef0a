package io.dynamokv.internal.node;

import io.dynamokv.NodeId;
import io.dynamokv.internal.OwnActor;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.version.ActorId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a node is in this run, as its storage says: the actor it coordinates writes under (its id
 * and incarnation) and the generation that orders its runs in gossip. Both are saved in the
 * storage's metadata.
 *
 * @param actor the node's id and incarnation
 * @param generation later than that of any run before on this storage, even if the clock went back
 * @param keptFrom if the incarnation was kept from an earlier run (a clean stop), that run's
 *     generation as this storage remembers it: the last run of the actor, unless the storage is an
 *     older copy of the node's data
 */
record NodeIdentity(ActorId actor, long generation, Optional<Long> keptFrom) {

  private static final Logger log = LoggerFactory.getLogger(NodeIdentity.class);
  private static final String META_NODE_ID = "node/id";
  private static final String META_INCARNATION = OwnActor.META_INCARNATION;
  private static final String META_GENERATION = "node/generation";

  /**
   * Loads or draws the identity of node {@code id} from {@code storage}, and saves it.
   *
   * @throws IllegalStateException if the storage holds another node's data
   */
  static NodeIdentity load(NodeId id, StorageEngine storage, Clock clock, RandomGenerator random) {
    Optional<byte[]> owner = storage.getMetadata(META_NODE_ID);
    if (owner.isPresent() && !new String(owner.get(), StandardCharsets.UTF_8).equals(id.value())) {
      throw new IllegalStateException("the storage holds the data of node "
          + new String(owner.get(), StandardCharsets.UTF_8) + " (expected: " + id + ")");
    }
    Optional<Long> kept = storage.getMetadata(META_INCARNATION).map(b -> ByteBuffer.wrap(b).getLong());
    long incarnation;
    Optional<Long> previousGeneration = storage.getMetadata(META_GENERATION).map(b -> ByteBuffer.wrap(b).getLong());
    boolean keep = kept.isPresent() && storage.openedAfterCleanClose();
    if (keep) {
      incarnation = kept.get();
    } else {
      // A data directory seen for the first time (new, or wiped) gets a fresh actor identity, so
      // this node's new versions are never confused with ones it made before a wipe. So does one
      // that was not closed cleanly: it may have lost its last writes, whose versions other
      // replicas already hold, and must not hand out their dots again.
      incarnation = random.nextLong();
      if (kept.isPresent()) {
        log.warn("node {} was not stopped cleanly: taking a new incarnation", id);
      }
      storage.putMetadata(META_NODE_ID, id.value().getBytes(StandardCharsets.UTF_8)).join();
      OwnActor.saveIncarnation(storage, incarnation).join();
    }
    long generation = Math.max(clock.currentTimeMillis(), previousGeneration.map(g -> g + 1).orElse(Long.MIN_VALUE));
    storage.putMetadata(META_GENERATION, longBytes(generation)).join();
    return new NodeIdentity(ActorId.of(id, incarnation), generation, keep ? previousGeneration : Optional.empty());
  }

  private static byte[] longBytes(long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }
}
