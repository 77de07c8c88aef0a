package io.dynamokv.internal.ring;

import io.dynamokv.NodeId;
import java.util.List;

/**
 * The nodes responsible for one partition: {@code primaries}, the N distinct physical nodes met
 * first walking the ring clockwise from the partition, then {@code fallbacks}, every other node
 * in the order the walk meets them, which a sloppy quorum takes in turn when primaries are down.
 * A ring's fallbacks are walked as they are read: read as few as needed (a cluster of a thousand
 * has nearly a thousand).
 */
public record PreferenceList(int partition, List<NodeId> primaries, List<NodeId> fallbacks) {

  /** Copies the lists. */
  public PreferenceList {
    primaries = List.copyOf(primaries);
    fallbacks = java.util.Collections.unmodifiableList(fallbacks);
  }
}
