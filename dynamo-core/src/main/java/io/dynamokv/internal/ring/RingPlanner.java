package io.dynamokv.internal.ring;

import io.dynamokv.NodeId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Assigns partitions to nodes: each node gets its share of Q in proportion to its weight (the
 * largest-remainder method, so shares differ from exact by less than one partition), and a
 * change of membership moves only the partitions that must move.
 *
 * <p>When it can, the planner also keeps a node's partitions at least {@code spacing} apart on
 * the ring, so that the N consecutive partitions a preference list walks usually have N
 * distinct owners and replica load stays as even as ownership. Preference lists are correct
 * either way: they skip a node met twice.
 *
 * <p>Deterministic: the same inputs always give the same ring. Stateless and thread-safe.
 */
public final class RingPlanner {

  private final int spacing;

  private RingPlanner(int spacing) {
    this.spacing = spacing;
  }

  /** Returns a planner that tries to keep a node's partitions {@code spacing} apart (e.g. N). */
  public static RingPlanner withSpacing(int spacing) {
    if (spacing < 1) {
      throw new IllegalArgumentException("spacing : " + spacing + " (expected: >= 1)");
    }
    return new RingPlanner(spacing);
  }

  /** Returns the first ring (version 1) of a cluster of {@code members} with Q = {@code partitions}. */
  public Ring initial(int partitions, Collection<Member> members) {
    new KeySpace(partitions);
    return plan(new NodeId[partitions], members, 1);
  }

  /**
   * Returns the ring for {@code members}, starting from {@code current} and moving as few
   * partitions as the new shares allow. Returns {@code current} itself when nothing moves.
   */
  public Ring rebalance(Ring current, Collection<Member> members) {
    Objects.requireNonNull(current, "current");
    Ring next = plan(current.owners().toArray(new NodeId[0]), members, current.version() + 1);
    return next.owners().equals(current.owners()) ? current : next;
  }

  /**
   * Returns the ring for {@code members} at {@code version}, starting from {@code current} and
   * moving as few partitions as the new shares allow; a new ring even when nothing moves.
   */
  public Ring plan(Ring current, Collection<Member> members, long version) {
    Objects.requireNonNull(current, "current");
    if (version <= current.version()) {
      throw new IllegalArgumentException("version : " + version + " (expected: > " + current.version() + ")");
    }
    return plan(current.owners().toArray(new NodeId[0]), members, version);
  }

  private Ring plan(NodeId[] owners, Collection<Member> members, long version) {
    Map<NodeId, Member> byId = index(members);
    int q = owners.length;
    Map<NodeId, Integer> counts = new HashMap<>();
    byId.keySet().forEach(id -> counts.put(id, 0));
    for (int p = 0; p < q; p++) {
      if (owners[p] != null && !byId.containsKey(owners[p])) {
        owners[p] = null; // its node left: the partition needs a new owner
      }
      if (owners[p] != null) {
        counts.merge(owners[p], 1, Integer::sum);
      }
    }
    Map<NodeId, Integer> quotas = quotas(q, byId.values(), counts);
    release(owners, counts, quotas);
    assign(owners, counts, quotas);
    return Ring.of(version, Arrays.asList(owners));
  }

  private static Map<NodeId, Member> index(Collection<Member> members) {
    Objects.requireNonNull(members, "members");
    if (members.isEmpty()) {
      throw new IllegalArgumentException("members : [] (expected: at least one)");
    }
    Map<NodeId, Member> byId = new TreeMap<>();
    for (Member m : members) {
      if (byId.put(m.id(), m) != null) {
        throw new IllegalArgumentException("member " + m.id() + " is listed twice");
      }
    }
    return byId;
  }

  /**
   * Each node's share: floor(Q * w / W), with the partitions left over going to the largest
   * remainders; among equal remainders, to the nodes that already own more, so that a join or a
   * leave does not shuffle the odd partitions between the nodes that stay.
   */
  static Map<NodeId, Integer> quotas(int q, Collection<Member> members, Map<NodeId, Integer> counts) {
    long totalWeight = members.stream().mapToLong(Member::weight).sum();
    Map<NodeId, Integer> quotas = new HashMap<>();
    List<Member> byRemainder = new ArrayList<>(members);
    int assigned = 0;
    for (Member m : members) {
      int base = (int) ((long) q * m.weight() / totalWeight);
      quotas.put(m.id(), base);
      assigned += base;
    }
    byRemainder.sort(Comparator
        .comparingLong((Member m) -> (long) q * m.weight() % totalWeight).reversed()
        .thenComparing(m -> counts.getOrDefault(m.id(), 0), Comparator.reverseOrder())
        .thenComparing(Member::id));
    for (int i = 0; i < q - assigned; i++) {
      quotas.merge(byRemainder.get(i).id(), 1, Integer::sum);
    }
    return quotas;
  }

  /**
   * Takes partitions away from nodes above their share, at positions spread evenly around the
   * ring: for the j-th of R partitions to release, the partition nearest position j*Q/R whose
   * owner still has too many. A joining node then gets partitions spread out, and so appears in
   * as many preference lists as its share says (releasing each node's highest positions gave it
   * one block, and a third of its replica share; releasing each node's own spread gave it
   * clusters of neighbours, and half).
   */
  private static void release(NodeId[] owners, Map<NodeId, Integer> counts, Map<NodeId, Integer> quotas) {
    Map<NodeId, Integer> excess = new HashMap<>();
    int total = 0;
    for (Map.Entry<NodeId, Integer> e : quotas.entrySet()) {
      int over = counts.get(e.getKey()) - e.getValue();
      if (over > 0) {
        excess.put(e.getKey(), over);
        total += over;
      }
    }
    int q = owners.length;
    for (int j = 0; j < total; j++) {
      int target = (int) ((long) j * q / total);
      for (int d = 0; d < q; d++) {
        int offset = d % 2 == 1 ? (d + 1) / 2 : -(d / 2); // t, t+1, t-1, t+2, ...
        int p = ((target + offset) % q + q) % q;
        NodeId owner = owners[p];
        if (owner != null && excess.getOrDefault(owner, 0) > 0) {
          owners[p] = null;
          excess.merge(owner, -1, Integer::sum);
          counts.merge(owner, -1, Integer::sum);
          break;
        }
      }
    }
  }

  /**
   * Gives each ownerless partition to the node furthest below its share that is not crowded there
   * (ties to the lowest id); if every node below its share is crowded there, to the furthest below.
   * The nodes below their share wait in order of deficit, so a partition costs a look at its
   * neighbours' owners and a few of the first in line, not a pass over every node: the first ring
   * of 1,000 nodes and Q = 65,536 took minutes that way.
   */
  private void assign(NodeId[] owners, Map<NodeId, Integer> counts, Map<NodeId, Integer> quotas) {
    java.util.TreeSet<Deficit> below = new java.util.TreeSet<>();
    quotas.forEach((n, quota) -> {
      int deficit = quota - counts.get(n);
      if (deficit > 0) {
        below.add(new Deficit(n, deficit));
      }
    });
    java.util.Set<NodeId> near = new java.util.HashSet<>();
    for (int p = 0; p < owners.length; p++) {
      if (owners[p] != null) {
        continue;
      }
      neighbours(owners, p, near);
      Deficit best = below.first();
      for (Deficit d : below) {
        if (!near.contains(d.node())) {
          best = d;
          break;
        }
      }
      owners[p] = best.node();
      counts.merge(best.node(), 1, Integer::sum);
      below.remove(best);
      if (best.deficit() > 1) {
        below.add(new Deficit(best.node(), best.deficit() - 1));
      }
    }
  }

  /** A node below its share, ordered furthest below first, then by id. */
  private record Deficit(NodeId node, int deficit) implements Comparable<Deficit> {
    @Override
    public int compareTo(Deficit o) {
      int c = Integer.compare(o.deficit, deficit);
      return c != 0 ? c : node.compareTo(o.node);
    }
  }

  /** Fills {@code out} with the owners of the partitions closer than {@code spacing} to {@code p}. */
  private void neighbours(NodeId[] owners, int p, java.util.Set<NodeId> out) {
    out.clear();
    int q = owners.length;
    for (int d = 1; d < spacing && d < q; d++) {
      NodeId after = owners[(p + d) % q];
      NodeId before = owners[((p - d) % q + q) % q];
      if (after != null) {
        out.add(after);
      }
      if (before != null) {
        out.add(before);
      }
    }
  }
}
