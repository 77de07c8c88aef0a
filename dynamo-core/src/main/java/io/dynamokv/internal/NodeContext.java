package io.dynamokv.internal;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * What every part of a running node shares: its identity, its storage and transport, its clock,
 * scheduler and random source, the default deadline of a request to a peer, and the N of each
 * store. Built once when the node starts ({@code io.dynamokv.internal.node.NodeRuntime}) and
 * handed to each part, so that a part's constructor takes this and what is its own.
 *
 * @param self this node's id
 * @param actor this node's actor (its id and incarnation), under which it coordinates the writes
 *     of keys it is a primary of; renewed when the node learns its data is older than it
 * @param replicasOf the N of a store (the node's default for stores it has not opened)
 * @param limits what one key may hold, checked on every path that stores a value
 * @param stores the stores the node holds, bounded in number, checked on those paths too
 */
public record NodeContext(NodeId self, OwnActor actor, StorageEngine storage, Transport transport,
    Scheduler scheduler, Clock clock, RandomGenerator random, Duration requestTimeout,
    Function<String, Integer> replicasOf, Limits limits, KnownStores stores) {

  /** Checks that every part is there. */
  public NodeContext {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(replicasOf, "replicasOf");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(stores, "stores");
  }
}
