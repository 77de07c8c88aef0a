package io.dynamokv.internal.membership;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.Ring;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node believes of the gossip a peer sends, whoever the peer is: entries and rings within
 * bounds that no node of the cluster exceeds. A peer that breaks them (a bug, or anyone who can
 * reach the port when peers are not authenticated) is refused, and logged:
 *
 * <ul>
 *   <li>an entry whose version is near overflow ({@link #MAX_VERSION}): believed, it would stop its
 *       node's own changes, each a version higher;
 *   <li>an entry whose generation (the wall-clock start of a run) is more than {@link #MAX_SKEW}
 *       ahead of this node's clock: it would outrank every real run of that node for years;
 *   <li>a ring naming a node that is not a member, or with a version near overflow: every request
 *       for its partitions would fail until a later ring, and none could be later.
 * </ul>
 *
 * <p>Stateless.
 */
final class GossipChecks {

  /** No entry or ring reaches this version: a cluster changes far fewer times. */
  static final long MAX_VERSION = 1L << 62;
  /** How far ahead of this node's clock a run may have started, by its node's clock. */
  static final Duration MAX_SKEW = Duration.ofDays(1);

  private static final Logger log = LoggerFactory.getLogger(GossipChecks.class);

  private GossipChecks() {}

  /** Returns the entries to believe, logging the others. */
  static List<MemberState> believable(Collection<MemberState> entries, long nowMillis) {
    List<MemberState> out = new ArrayList<>(entries.size());
    for (MemberState e : entries) {
      if (e.version() > MAX_VERSION) {
        log.warn("refusing the gossip entry of {}: version {} (expected: at most {})", e.id(), e.version(), MAX_VERSION);
      } else if (e.generation() > nowMillis + MAX_SKEW.toMillis()) {
        log.warn("refusing the gossip entry of {}: generation {} is more than {} ahead of this node's clock ({})",
            e.id(), e.generation(), MAX_SKEW, nowMillis);
      } else {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Returns {@code ring} if it may be believed, knowing {@code members} (this node's, with the
   * gossiped entries merged in): it names only members, and its version is below the bound.
   */
  static Optional<Ring> believable(Optional<Ring> ring, Map<NodeId, MemberState> members) {
    if (ring.isEmpty()) {
      return ring;
    }
    Ring r = ring.get();
    if (r.version() > MAX_VERSION) {
      log.warn("refusing ring {}: version {} (expected: at most {})", r.id(), r.version(), MAX_VERSION);
      return Optional.empty();
    }
    for (NodeId owner : r.nodes()) {
      if (!members.containsKey(owner)) {
        log.warn("refusing ring {}: it names {}, which is not a member", r.id(), owner);
        return Optional.empty();
      }
    }
    return ring;
  }
}
