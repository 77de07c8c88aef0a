package io.dynamokv.internal.wire;

import io.dynamokv.NodeId;
import io.dynamokv.internal.membership.MemberState;
import java.util.Objects;

/**
 * The version of one member's entry that a gossip sender holds, sent before any full entry.
 * Entries order by generation, then LEFT before any other status, then version: see
 * {@link MemberState#supersedes}.
 */
public record MemberDigest(NodeId id, long generation, boolean left, long version) implements Comparable<MemberDigest> {

  /** Validates the parts. */
  public MemberDigest {
    Objects.requireNonNull(id, "id");
    if (version < 0) {
      throw new IllegalArgumentException("version : " + version + " (expected: >= 0)");
    }
  }

  /** Orders two digests of the same node: the greater names the entry that wins. */
  @Override
  public int compareTo(MemberDigest o) {
    int c = Long.compare(generation, o.generation);
    if (c == 0) {
      c = Boolean.compare(left, o.left);
    }
    return c != 0 ? c : Long.compare(version, o.version);
  }
}
