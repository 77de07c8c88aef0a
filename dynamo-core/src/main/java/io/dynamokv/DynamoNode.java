package io.dynamokv;

import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.node.NodeRuntime;
import io.dynamokv.internal.node.NodeSettings;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a dynamo-kv cluster, running inside your service. Build it with
 * {@link #newBuilder}, {@link #start()} it, open typed {@link Store}s, and {@link #close()} it.
 *
 * <pre>{@code
 * DynamoNode node = DynamoNode.newBuilder(NodeId.of("a"))
 *     .storage(RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dataDir).build()))
 *     .transport(NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("10.0.0.1", 7400)).build()))
 *     .member(NodeId.of("a"), Endpoint.of("10.0.0.1", 7400))
 *     .member(NodeId.of("b"), Endpoint.of("10.0.0.2", 7400))
 *     .member(NodeId.of("c"), Endpoint.of("10.0.0.3", 7400))
 *     .build();
 * node.start();
 * }</pre>
 *
 * <p>A cluster is founded by nodes built with the same {@link DynamoNodeBuilder#member member} list; a node
 * added later is built with {@link DynamoNodeBuilder#seed seeds} instead, and joins: partitions move to it
 * while the cluster keeps serving ({@link #joinedAsync()} says when it is done). Nodes gossip
 * their membership and ring, and keep them in storage, so a restarted node needs neither list.
 * {@link #leaveAsync()} decommissions this node; {@link #removeNode} declares another one gone.
 *
 * <p>The node owns the storage engine and transport it is given: {@link #close()} closes them.
 * Lifecycle: NEW, then RUNNING after {@code start()}, then CLOSED. Thread-safe.
 */
public final class DynamoNode extends AbstractStores implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DynamoNode.class);

  static {
    NodeAccess.install(node -> node.running());
  }

  private enum State { NEW, RUNNING, CLOSED }

  private final NodeSettings settings;
  private final OpenStores stores = new OpenStores();
  private State state = State.NEW;
  private NodeRuntime runtime;

  DynamoNode(NodeSettings settings) {
    this.settings = settings;
  }

  /** Starts a builder for the node named {@code id}. */
  public static DynamoNodeBuilder newBuilder(NodeId id) {
    return new DynamoNodeBuilder(id);
  }

  /**
   * Starts the node: checks the data belongs to it, loads or draws its incarnation, and starts
   * serving requests and its background work (gossip, failure probes, hint delivery,
   * anti-entropy, partition transfer).
   *
   * @throws IllegalStateException if the node was started before, the storage holds another
   *     node's data, or the transport authenticates no peer and the builder did not allow that
   */
  public synchronized void start() {
    if (state != State.NEW) {
      throw new IllegalStateException("node " + settings.id() + " is " + state + " (expected: NEW)");
    }
    if (!settings.transport().authenticatesPeers() && !settings.insecureUnauthenticatedPeers()) {
      throw new IllegalStateException("node " + settings.id() + ": its transport authenticates no peer, so anyone who "
          + "can reach " + settings.transport().localEndpoint() + " could change the cluster (expected: a cluster "
          + "secret or mutual TLS; or insecureUnauthenticatedPeers(true) on a network no one else can reach)");
    }
    runtime = NodeRuntime.start(settings, store -> stores.replicasOf(store, settings.replication().n()));
    state = State.RUNNING;
  }

  /**
   * Returns a future that completes once this node is a full member: at once for a founding or
   * restarted member, and for a joining node once its partitions have moved to it and the ring
   * that includes it is committed. It fails with an {@link IllegalStateException} if the cluster
   * has no partition for this node: as many members as its Q partitions already.
   */
  public CompletableFuture<Void> joinedAsync() {
    return runningAsync().thenCompose(NodeRuntime::joined);
  }

  /**
   * Decommissions this node: it stops owning partitions, which move to the other nodes while the
   * cluster keeps serving. The future completes when the move is done and the node is LEFT; then
   * {@link #close()} it.
   */
  public CompletableFuture<Void> leaveAsync() {
    return runningAsync().thenCompose(NodeRuntime::leave);
  }

  /**
   * Declares {@code node} gone for good (it cannot leave by itself: its disk died): it becomes
   * LEFT everywhere, and the partitions it held are copied to their new owners from the other
   * replicas. A node that is only down for a while should not be removed: hinted handoff and
   * anti-entropy cover it when it returns.
   *
   * @throws IllegalArgumentException if {@code node} is this node or not a member
   */
  public void removeNode(NodeId node) {
    Objects.requireNonNull(node, "node");
    running().remove(node);
  }

  /** Returns what this node knows of the cluster: members, their status and share, and its hint backlog. */
  public ClusterStatus status() {
    return running().status();
  }

  /** Opens the store {@code name} with the node's replication and no resolver: reads return all siblings. */
  @Override
  Replication defaultReplication() {
    return settings.replication();
  }

  @Override
  synchronized <V> Store<V> open(String name, Codec<V> codec, Optional<ConflictResolver<V>> resolver,
      Replication replication) {
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + settings.id() + " is " + state + " (expected: RUNNING); start() it first");
    }
    stores.open(name, codec, replication,
        runtime.membership().state().committed().map(r -> r.nodes().size()).orElse(Integer.MAX_VALUE));
    return new Store<>(name, codec, resolver, replication, runtime.coordination(), runtime.scheduler()::execute,
        settings.requestTimeout(), settings.limits());
  }

  @Override
  synchronized <T> T openBuiltIn(String name, StoreHandle.Factory<T> handle) {
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + settings.id() + " is " + state + " (expected: RUNNING); start() it first");
    }
    stores.open(name, settings.replication(),
        runtime.membership().state().committed().map(r -> r.nodes().size()).orElse(Integer.MAX_VALUE));
    return handle.create(name, settings.replication(), runtime.coordination(), runtime.scheduler()::execute,
        settings.requestTimeout(), settings.limits());
  }

  /** Returns the node's id. */
  public NodeId id() {
    return settings.id();
  }

  /** Returns where the node serves requests. */
  public Endpoint endpoint() {
    return settings.transport().localEndpoint();
  }

  /**
   * Returns the node's counters: reads, writes, hints stored and delivered, read repairs, peers
   * marked down, anti-entropy exchanges and keys repaired, and the storage engine's own (named
   * {@code storage.*}; with RocksDB, fsyncs of the write-ahead log and update-cache hits).
   */
  public synchronized Map<String, Long> metrics() {
    return runtime == null ? Map.of() : runtime.metrics();
  }

  /**
   * Returns the latency of this node's operations, by operation and store, keyed
   * {@code op/store}: {@code get}, {@code put}, {@code delete} and {@code update} (a built-in
   * type's operation) that the application asked of this node; {@code coordinate.get} and
   * {@code coordinate.put}, requests other nodes and clients sent here to coordinate;
   * {@code replica.get} and {@code replica.put}, replica requests coordinators sent here. Failures
   * are counted in {@link #metrics()} as {@code failures.<op>.<cause>} (timeout, insufficient
   * replicas, refused, other). Empty before the node runs, or if latency recording is off.
   */
  public synchronized java.util.SortedMap<String, LatencySummary> latencies() {
    return runtime == null ? new java.util.TreeMap<>() : LatencySummary.of(runtime.latencies());
  }

  /**
   * Runs an anti-entropy pass now: compares every partition this node replicates with the other
   * replicas' Merkle trees and repairs the differences, both ways. For operators and tests; passes
   * also run every anti-entropy interval.
   */
  public CompletableFuture<RepairReport> repairAsync() {
    return runningAsync().thenCompose(NodeRuntime::repair);
  }

  /**
   * Drops the store {@code name} on every member of the cluster: on each node, its data, the
   * hints held for it and its name, which then no longer counts toward the node's store limit.
   * Stop writing to the store first: a write racing with the drop may create it again. Completes
   * once every member that has not left confirmed; otherwise fails with an
   * {@link InsufficientReplicasException} naming those that did not: they still hold the store,
   * and anti-entropy may copy it back, so drop it again once they are up. A name that is not a
   * valid store name fails the future with an {@link IllegalArgumentException}.
   */
  public CompletableFuture<Void> dropStoreAsync(String name) {
    return runningAsync().thenCompose(r -> {
      stores.forget(name);
      return r.dropStore(name);
    });
  }

  /** Returns the peers this node currently believes down. */
  public synchronized Set<NodeId> peersBelievedDown() {
    return runtime == null ? Set.of() : runtime.downPeers();
  }

  /** Stops the node and closes its transport and storage. Idempotent. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    State was = state;
    state = State.CLOSED;
    if (runtime != null) {
      runtime.close();
    } else {
      settings.transport().close();
      settings.storage().close();
    }
    log.info("node {} closed (was {})", settings.id(), was);
  }

  @Override
  public String toString() {
    return "DynamoNode{" + settings.id() + ", " + state + "}";
  }

  private synchronized NodeRuntime running() {
    if (state != State.RUNNING) {
      throw new NodeNotRunningException("node " + settings.id() + " is " + state);
    }
    return runtime;
  }

  private CompletableFuture<NodeRuntime> runningAsync() {
    try {
      return CompletableFuture.completedFuture(running());
    } catch (NodeNotRunningException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
