package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to a {@link Ping}, naming the node that answered: a node's probe counts a peer up
 * only if the peer it meant answered, not whatever node now listens at its address.
 *
 * @param from the node that answered (empty from a bare transport, as in tests of the transport)
 */
public record Pong(long nonce, Optional<NodeId> from) implements WireMessage {

  /** Checks the parts. */
  public Pong {
    Objects.requireNonNull(from, "from");
  }

  /** Returns an answer that names no node. */
  public Pong(long nonce) {
    this(nonce, Optional.empty());
  }

  @Override
  public MessageType type() {
    return MessageType.PONG;
  }
}
