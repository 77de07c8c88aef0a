package io.dynamokv.internal.ring;

import io.dynamokv.NodeId;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which node owns each of the Q equal partitions, at one version of the cluster's ring.
 *
 * <p>Immutable and thread-safe. A partition's preference list is the ring walked clockwise
 * from it, keeping each physical node once. Its primaries are computed on first use and cached;
 * its fallbacks are walked as far as a caller reads them. (Walking and caching every node for
 * every partition cost a ring of Q = 65,536 partitions over 1,000 nodes half a gigabyte.)
 */
public final class Ring {

  private final long version;
  private final KeySpace keySpace;
  private final List<NodeId> owners;
  private final SortedSet<NodeId> nodes;
  private final AtomicReferenceArray<Prefix> walkCache;
  private final RingId id;

  private Ring(long version, List<NodeId> owners) {
    this.version = version;
    this.keySpace = new KeySpace(owners.size());
    this.owners = owners;
    this.nodes = Collections.unmodifiableSortedSet(new TreeSet<>(owners));
    this.walkCache = new AtomicReferenceArray<>(owners.size());
    this.id = new RingId(version, fingerprint(owners));
  }

  /** FNV-1a over the owners' ids, in partition order: equal owner lists, equal fingerprints. */
  private static long fingerprint(List<NodeId> owners) {
    long h = 0xcbf29ce484222325L;
    for (NodeId owner : owners) {
      for (byte b : owner.value().getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
      h = (h ^ 0xff) * 0x100000001b3L; // a separator no UTF-8 byte equals
    }
    return h;
  }

  /**
   * Returns the ring in which partition {@code i} is owned by {@code owners.get(i)}.
   *
   * @param version the ring's version; a newer ring of the same cluster has a greater one
   */
  public static Ring of(long version, List<NodeId> owners) {
    Objects.requireNonNull(owners, "owners");
    if (version < 0) {
      throw new IllegalArgumentException("version : " + version + " (expected: >= 0)");
    }
    List<NodeId> copy = List.copyOf(owners); // rejects null owners
    new KeySpace(copy.size()); // validates Q
    return new Ring(version, copy);
  }

  /** Returns this ring's name: its version and the fingerprint of its owners. */
  public RingId id() {
    return id;
  }

  /** Returns this ring's version. */
  public long version() {
    return version;
  }

  /** Returns the key space: Q and the mapping of keys to partitions. */
  public KeySpace keySpace() {
    return keySpace;
  }

  /** Returns Q, the number of partitions. */
  public int partitionCount() {
    return owners.size();
  }

  /** Returns the owner of {@code partition}. */
  public NodeId owner(int partition) {
    return owners.get(partition);
  }

  /** Returns the owners, indexed by partition. */
  public List<NodeId> owners() {
    return owners;
  }

  /** Returns the nodes that own at least one partition, sorted. */
  public SortedSet<NodeId> nodes() {
    return nodes;
  }

  /** Returns how many partitions each node owns. */
  public Map<NodeId, Integer> ownershipCounts() {
    Map<NodeId, Integer> counts = new TreeMap<>();
    for (NodeId owner : owners) {
      counts.merge(owner, 1, Integer::sum);
    }
    return counts;
  }

  /** Returns the number of partitions whose owner differs between this ring and {@code other}. */
  public int partitionsMovedTo(Ring other) {
    if (other.partitionCount() != partitionCount()) {
      throw new IllegalArgumentException("partitions : " + other.partitionCount() + " (expected: " + partitionCount() + ")");
    }
    int moved = 0;
    for (int p = 0; p < owners.size(); p++) {
      if (!owners.get(p).equals(other.owners.get(p))) {
        moved++;
      }
    }
    return moved;
  }

  /**
   * Returns the preference list of {@code partition}: its first {@code n} distinct nodes
   * clockwise, then the rest as fallbacks. If the ring has fewer than {@code n} nodes, every
   * node is a primary and there are no fallbacks.
   */
  public PreferenceList preferenceList(int partition, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n : " + n + " (expected: >= 1)");
    }
    int count = Math.min(n, nodes.size());
    Prefix prefix = prefix(partition, count);
    // The cached list itself when it is exactly the primaries: the record keeps it without a copy.
    List<NodeId> primaries = prefix.nodes().size() == count ? prefix.nodes() : prefix.nodes().subList(0, count);
    return new PreferenceList(partition, primaries, new Fallbacks(partition, prefix, primaries.size()));
  }

  /**
   * Returns the partitions whose first {@code n} distinct owners include {@code node}, ascending.
   * Walks back from each partition the node owns while the node stays a primary, rather than
   * asking every partition: a node of a thousand, over Q = 65,536, replicates some 200.
   */
  public int[] replicatedBy(NodeId node, int n) {
    java.util.BitSet replicated = new java.util.BitSet(owners.size());
    int q = owners.size();
    for (int o = 0; o < q; o++) {
      if (!owners.get(o).equals(node)) {
        continue;
      }
      // The walk from p meets more distinct nodes before o the further back p is: once node is
      // not among p's first n, it is not among any earlier partition's (through o).
      for (int back = 0; back < q; back++) {
        int p = ((o - back) % q + q) % q;
        if (replicated.get(p) && back > 0) {
          break; // from here back, another owned partition's walk has been (or will be) taken
        }
        if (!preferenceList(p, n).primaries().contains(node)) {
          break;
        }
        replicated.set(p);
      }
    }
    return replicated.stream().toArray();
  }

  /** Returns the preference list of the partition {@code key} falls in. */
  public PreferenceList preferenceList(byte[] key, int n) {
    return preferenceList(keySpace.place(key).partition(), n);
  }

  /**
   * The first distinct nodes met walking clockwise from a partition, and how many positions the
   * walk took to meet them (where a longer walk resumes).
   */
  private record Prefix(List<NodeId> nodes, int walked) {}

  /** Returns the walk from {@code partition} up to {@code distinct} nodes at least, cached. */
  private Prefix prefix(int partition, int distinct) {
    Objects.checkIndex(partition, owners.size());
    Prefix cached = walkCache.get(partition);
    if (cached != null && cached.nodes().size() >= distinct) {
      return cached;
    }
    Set<NodeId> seen = new LinkedHashSet<>();
    int i = 0;
    for (; i < owners.size() && seen.size() < distinct; i++) {
      seen.add(owners.get((partition + i) % owners.size()));
    }
    Prefix walked = new Prefix(List.copyOf(seen), i);
    walkCache.set(partition, walked);
    return walked;
  }

  /**
   * The fallbacks of one partition: every node but its primaries, in the order the walk meets
   * them, walked only as far as they are read. Most requests read none, or a few.
   */
  private final class Fallbacks extends java.util.AbstractList<NodeId> {
    private final int partition;
    private final Prefix prefix;
    private final int primaries;
    private List<NodeId> met; // the walk past the primaries so far; null until first read
    private Set<NodeId> seen;
    private int walked;

    /** Starts from {@code prefix}: its nodes past the first {@code primaries} are the first fallbacks. */
    Fallbacks(int partition, Prefix prefix, int primaries) {
      this.partition = partition;
      this.prefix = prefix;
      this.primaries = primaries;
    }

    @Override
    public synchronized NodeId get(int index) {
      Objects.checkIndex(index, size());
      if (met == null) {
        seen = new java.util.HashSet<>(prefix.nodes());
        met = new java.util.ArrayList<>(prefix.nodes().subList(primaries, prefix.nodes().size()));
        walked = prefix.walked();
      }
      while (met.size() <= index) {
        NodeId owner = owners.get((partition + walked++) % owners.size());
        if (seen.add(owner)) {
          met.add(owner);
        }
      }
      return met.get(index);
    }

    @Override
    public int size() {
      return nodes.size() - primaries;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ring r && version == r.version && owners.equals(r.owners);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + owners.hashCode();
  }

  @Override
  public String toString() {
    return "Ring{version=" + version + ", partitions=" + owners.size() + ", owned=" + ownershipCounts() + "}";
  }
}
