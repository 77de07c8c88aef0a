package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.RingId;
import java.util.List;
import java.util.Objects;

/**
 * The first step of a gossip round: which version of each member's entry, and which rings, the
 * sender holds. The receiver answers with a {@link GossipDelta}.
 */
public record GossipDigest(NodeId from, List<MemberDigest> members, RingId committed, RingId pending)
    implements WireMessage {

  /** Validates and copies the parts. */
  public GossipDigest {
    Objects.requireNonNull(from, "from");
    members = List.copyOf(members);
    Objects.requireNonNull(committed, "committed");
    Objects.requireNonNull(pending, "pending");
  }

  @Override
  public MessageType type() {
    return MessageType.GOSSIP_DIGEST;
  }
}
