package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.MemberState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The reply to a {@link GossipDigest}: the entries and rings the receiver holds newer than the
 * digest's, and what it wants in return (entries by id, and whether it wants the sender's rings).
 */
public record GossipDelta(List<MemberState> members, Optional<RingState> committed, Optional<RingState> pending,
    List<NodeId> wanted, boolean wantsRings) implements WireMessage {

  /** Validates and copies the parts. */
  public GossipDelta {
    members = List.copyOf(members);
    Objects.requireNonNull(committed, "committed");
    Objects.requireNonNull(pending, "pending");
    wanted = List.copyOf(wanted);
  }

  @Override
  public MessageType type() {
    return MessageType.GOSSIP_DELTA;
  }
}
