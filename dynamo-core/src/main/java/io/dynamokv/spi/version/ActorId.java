package io.dynamokv.spi.version;

import io.dynamokv.NodeId;
import java.util.Objects;

/**
 * The identity that stamps new versions: a node plus the incarnation of its data directory.
 *
 * <p>The incarnation is drawn at random when a node's data directory is first created (and
 * again whenever the node cannot prove its counters survived, for instance after an unclean
 * stop with asynchronous writes). A node whose disk was wiped therefore comes back as a new
 * actor, so the versions it creates are never mistaken for, or dominated by, the ones it
 * created before the wipe.
 */
public record ActorId(NodeId node, long incarnation) implements Comparable<ActorId> {

  /** Validates the parts. */
  public ActorId {
    Objects.requireNonNull(node, "node");
  }

  /** Returns the actor for {@code node} in its {@code incarnation}. */
  public static ActorId of(NodeId node, long incarnation) {
    return new ActorId(node, incarnation);
  }

  @Override
  public int compareTo(ActorId other) {
    // Written out: version vectors are sorted maps keyed by actor, compared on every merge.
    if (this == other) {
      return 0;
    }
    int c = node.compareTo(other.node);
    return c != 0 ? c : Long.compare(incarnation, other.incarnation);
  }

  @Override
  public String toString() {
    return node + "#" + Long.toHexString(incarnation);
  }
}
