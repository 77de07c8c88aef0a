package io.dynamokv.wire;

import io.dynamokv.NodeId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One node's view of the membership and, when it has one, the ring; answered in kind. */
public record Gossip(NodeId from, List<MemberState> members, Optional<RingState> ring) implements Message {

  /** Validates and copies the parts. */
  public Gossip {
    Objects.requireNonNull(from, "from");
    members = List.copyOf(members);
    Objects.requireNonNull(ring, "ring");
  }

  @Override
  public MessageType type() {
    return MessageType.GOSSIP;
  }
}
