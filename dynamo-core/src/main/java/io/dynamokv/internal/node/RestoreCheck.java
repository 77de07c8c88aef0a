package io.dynamokv.internal.node;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.membership.MemberState;
import io.dynamokv.internal.ring.RingId;
import io.dynamokv.internal.wire.GossipDelta;
import io.dynamokv.internal.wire.GossipDigest;
import io.dynamokv.internal.wire.Gossip;
import io.dynamokv.spi.version.ActorId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure, when a node starts, that its storage is not an older copy of its data, and that a
 * later copy of this run's data would be found out in turn.
 *
 * <p>A node that kept the incarnation of its last run asks its peers which run of it they heard
 * from last. A peer that heard from a run later than the last one the node's storage remembers
 * proves the data directory is an older copy (restored from a backup, which looks cleanly
 * closed): the counters that run handed out are missing from it, and the actor is renewed before
 * it stamps any write. The question is a gossip digest that names no member, so a peer's answer
 * carries every entry it holds, this node's as it last heard it.
 *
 * <p>Then, whatever its incarnation, the node tells its peers of this run (its own gossip entry)
 * before it stamps a write: a copy of its data made before this run, restored later, then meets
 * peers that know of a later run. The node's own writes wait for the peers' answers, or the
 * request deadline if none answers; its writes then rely on the evidence its data meets later
 * ({@link io.dynamokv.internal.OwnActor}).
 */
final class RestoreCheck {

  private static final Logger log = LoggerFactory.getLogger(RestoreCheck.class);

  /** The most peers asked about this node's last run. */
  static final int MAX_ASKED = 16;

  private RestoreCheck() {}

  /**
   * Asks {@code peers} about this node's last run (if it kept its incarnation), then tells them
   * of {@code thisRun}; the future completes once each answered both or the request deadline
   * passed, after the actor was renewed if one of them knew a later run.
   */
  static CompletableFuture<Void> run(NodeContext node, NodeIdentity identity, MemberState thisRun,
      Set<Endpoint> peers) {
    if (peers.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> asked = identity.keptFrom().isPresent()
        ? ask(node, identity, identity.keptFrom().get(), sample(peers, node.random()))
        : CompletableFuture.completedFuture(null);
    // Told only after every answer came: our new entry would replace the one we ask about.
    return asked.thenCompose(v -> tell(node, thisRun, peers));
  }

  /**
   * The peers asked about the last run: all of them, or {@link #MAX_ASKED} drawn at random. Each answer is the peer's whole membership, so asking all of a thousand
   * nodes moved some 70 MB per restart; a later run told every peer of itself when it started,
   * so any few that answer know of it.
   */
  static List<Endpoint> sample(Set<Endpoint> peers, java.util.random.RandomGenerator random) {
    List<Endpoint> all = new ArrayList<>(peers);
    if (all.size() <= MAX_ASKED) {
      return all;
    }
    for (int i = all.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Endpoint t = all.get(i);
      all.set(i, all.get(j));
      all.set(j, t);
    }
    return all.subList(0, MAX_ASKED);
  }

  private static CompletableFuture<Void> ask(NodeContext node, NodeIdentity identity, long remembered,
      List<Endpoint> peers) {
    ActorId kept = identity.actor();
    GossipDigest question = new GossipDigest(node.self(), List.of(), RingId.NONE, RingId.NONE);
    List<CompletableFuture<?>> answers = new ArrayList<>();
    for (Endpoint peer : peers) {
      answers.add(node.transport().request(peer, question, node.requestTimeout()).handle((reply, failure) -> {
        if (reply instanceof GossipDelta delta) {
          for (MemberState m : delta.members()) {
            if (m.id().equals(node.self()) && m.generation() > remembered && m.generation() != identity.generation()) {
              node.actor().renew(kept, "the peer at " + peer + " heard from a run of this node (generation "
                  + m.generation() + ") after the last one its storage remembers (" + remembered
                  + "): the data directory is an older copy");
            }
          }
        }
        return null;
      }));
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
  }

  private static CompletableFuture<Void> tell(NodeContext node, MemberState thisRun, Set<Endpoint> peers) {
    Gossip announce = new Gossip(node.self(), List.of(thisRun), Optional.empty(), Optional.empty());
    List<CompletableFuture<?>> acks = new ArrayList<>();
    for (Endpoint peer : peers) {
      acks.add(node.transport().request(peer, announce, node.requestTimeout()).handle((reply, failure) -> null));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenRun(() ->
        log.debug("{}: {} peers told of run {}", node.self(), peers.size(), thisRun.generation()));
  }

  /** The peers to ask: every member this node knows of, and its contacts (seeds, founders). */
  static Set<Endpoint> peersOf(NodeId self, Iterable<MemberState> members, List<Endpoint> contacts, Endpoint own) {
    Set<Endpoint> peers = new LinkedHashSet<>(contacts);
    for (MemberState m : members) {
      if (!m.id().equals(self)) {
        peers.add(m.endpoint());
      }
    }
    peers.remove(own);
    return peers;
  }
}
