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
 * from it, keeping each physical node once; it is computed on first use and cached.
 */
public final class Ring {

  private final long version;
  private final KeySpace keySpace;
  private final List<NodeId> owners;
  private final SortedSet<NodeId> nodes;
  private final AtomicReferenceArray<List<NodeId>> walkCache;
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
    List<NodeId> walk = walk(partition);
    int primaries = Math.min(n, walk.size());
    return new PreferenceList(partition, walk.subList(0, primaries), walk.subList(primaries, walk.size()));
  }

  /** Returns the preference list of the partition {@code key} falls in. */
  public PreferenceList preferenceList(byte[] key, int n) {
    return preferenceList(keySpace.partitionOf(KeyHash.of(key)), n);
  }

  private List<NodeId> walk(int partition) {
    Objects.checkIndex(partition, owners.size());
    List<NodeId> cached = walkCache.get(partition);
    if (cached != null) {
      return cached;
    }
    Set<NodeId> seen = new LinkedHashSet<>();
    for (int i = 0; i < owners.size() && seen.size() < nodes.size(); i++) {
      seen.add(owners.get((partition + i) % owners.size()));
    }
    List<NodeId> walk = List.copyOf(seen);
    walkCache.set(partition, walk);
    return walk;
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
