package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.MemberState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Full membership entries and rings that the receiver lacks: the last step of a gossip round,
 * answered with an {@link Ack}. Also the form in which a node keeps its view on disk.
 */
public record Gossip(NodeId from, List<MemberState> members, Optional<RingState> committed,
    Optional<RingState> pending) implements WireMessage {

  /** Validates and copies the parts. */
  public Gossip {
    Objects.requireNonNull(from, "from");
    members = List.copyOf(members);
    Objects.requireNonNull(committed, "committed");
    Objects.requireNonNull(pending, "pending");
  }

  @Override
  public MessageType type() {
    return MessageType.GOSSIP;
  }
}
