package io.dynamokv.internal.node;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.internal.Limits;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A node's configuration as {@code DynamoNodeBuilder} validated it: immutable, and read by
 * {@link NodeRuntime} when the node starts. The builder's Javadoc says what each setting means
 * and what its default is.
 *
 * @param founders the founding members (empty for a node that joins through seeds)
 * @param scheduler the scheduler the application gave, if any (else the node owns one)
 * @param maxStores the most stores the node holds data of
 */
public record NodeSettings(NodeId id, StorageEngine storage, Transport transport, Map<NodeId, Endpoint> founders,
    List<Endpoint> seeds, int partitions, Replication replication, int weight, Duration gossipInterval,
    double phiThreshold, Duration requestTimeout, Duration probeInterval, Duration hintInterval,
    boolean hintedHandoff, Duration antiEntropyInterval, long transferBytesPerSecond, Limits limits, int maxStores,
    Clock clock, Optional<Scheduler> scheduler, RandomGenerator random, boolean insecureUnauthenticatedPeers,
    boolean latencyRecording) {

  /** Copies the collections. */
  public NodeSettings {
    founders = Map.copyOf(founders);
    seeds = List.copyOf(seeds);
  }
}
