package io.dynamokv.internal.membership;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Whom one gossip round talks to: a random member believed up; now and then, as in Cassandra, a
 * member believed down, so that it is noticed when it returns; and now and then a seed, so that
 * parts of the cluster that lost touch find each other again (always one while no member is
 * believed up, so that a joining node reaches its seeds). LEFT members are never chosen. A pure
 * function of its arguments: the same random source gives the same choice.
 */
final class GossipTargets {

  private GossipTargets() {}

  /**
   * Returns the endpoints to gossip with this round, in order.
   *
   * @param self this node, which is never chosen
   * @param seeds the configured seeds (this node's own endpoint among them is skipped)
   * @param reachable whether this node believes a member up
   */
  static List<Endpoint> choose(ClusterState state, NodeId self, Endpoint selfEndpoint, List<Endpoint> seeds,
      Predicate<NodeId> reachable, RandomGenerator random) {
    List<MemberState> live = new ArrayList<>();
    List<MemberState> down = new ArrayList<>();
    for (MemberState m : state.members().values()) {
      if (m.id().equals(self) || m.status() == MemberStatus.LEFT) {
        continue;
      }
      (reachable.test(m.id()) ? live : down).add(m);
    }
    List<Endpoint> targets = new ArrayList<>(3);
    boolean seedChosen = false;
    if (!live.isEmpty()) {
      Endpoint target = live.get(random.nextInt(live.size())).endpoint();
      seedChosen = seeds.contains(target);
      targets.add(target);
    }
    if (!down.isEmpty() && random.nextDouble() < down.size() / (double) (live.size() + 1)) {
      targets.add(down.get(random.nextInt(down.size())).endpoint());
    }
    List<Endpoint> otherSeeds = seeds.stream().filter(e -> !e.equals(selfEndpoint)).toList();
    if (!otherSeeds.isEmpty() && !seedChosen
        && (live.isEmpty() || random.nextDouble() < otherSeeds.size() / (double) (live.size() + down.size() + 1))) {
      targets.add(otherSeeds.get(random.nextInt(otherSeeds.size())));
    }
    return targets;
  }

  /** Returns the endpoints of every member believed up, but this node and LEFT ones. */
  static List<Endpoint> livePeers(ClusterState state, NodeId self, Predicate<NodeId> reachable) {
    List<Endpoint> peers = new ArrayList<>();
    for (MemberState m : state.members().values()) {
      if (!m.id().equals(self) && m.status() != MemberStatus.LEFT && reachable.test(m.id())) {
        peers.add(m.endpoint());
      }
    }
    return peers;
  }
}
