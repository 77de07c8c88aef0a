package io.dynamokv.internal.membership;

import io.dynamokv.NodeId;
import io.dynamokv.internal.wire.Frame;
import io.dynamokv.internal.wire.FrameCodec;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.spi.StorageEngine;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's {@link ClusterState} in its storage's metadata, in the form gossip sends it, so
 * that a restarted node resumes with the members and rings it knew. Thread-safe.
 */
final class MembershipStore {

  private static final Logger log = LoggerFactory.getLogger(MembershipStore.class);
  static final String META_STATE = "membership/state";

  private final StorageEngine storage;
  private final NodeId self;

  MembershipStore(StorageEngine storage, NodeId self) {
    this.storage = storage;
    this.self = self;
  }

  /** Returns the state saved by an earlier run, if any. */
  Optional<ClusterState> load() {
    return storage.getMetadata(META_STATE).map(bytes -> {
      Gossip g = (Gossip) FrameCodec.decode(bytes).message();
      return ClusterState.empty().merge(g.members(), g.committed().map(ClusterState::fromWire),
          g.pending().map(ClusterState::fromWire));
    });
  }

  /** Saves {@code state} (asynchronously; a failure is logged: the next change saves again). */
  void save(ClusterState state) {
    byte[] bytes = FrameCodec.encode(new Frame(0, false, state.toGossip(self)));
    storage.putMetadata(META_STATE, bytes).exceptionally(t -> {
      log.warn("{}: could not save the membership state", self, t);
      return null;
    });
  }
}
