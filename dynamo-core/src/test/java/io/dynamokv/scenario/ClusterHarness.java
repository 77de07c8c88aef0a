package io.dynamokv.scenario;

import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.spi.StorageEngine;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A cluster of five nodes (N=3, R=2, W=2 by default) that a scenario drives: over the simulated
 * network in virtual time, or over Netty and RocksDB on loopback.
 */
public interface ClusterHarness extends AutoCloseable {

  /** Returns the node ids, sorted. */
  List<NodeId> nodes();

  /** Returns the running node {@code id}. */
  DynamoNode node(NodeId id);

  /** Returns the storage of the running node {@code id}, to look at what it holds. */
  StorageEngine storage(NodeId id);

  /** Returns the cluster's key space (Q). */
  io.dynamokv.internal.ring.KeySpace keySpace();

  /** Returns the preference list of {@code key} with N = 3. */
  PreferenceList preferenceList(String key);

  /** Stops {@code id} abruptly: it stops answering; its data stays for {@link #restart}. */
  void kill(NodeId id);

  /** Starts {@code id} again on its data. */
  void restart(NodeId id);

  /** Cuts every link between {@code a} and {@code b}. */
  void partition(Set<NodeId> a, Set<NodeId> b);

  /** Makes {@code id} answer every request {@code delay} late. */
  void slow(NodeId id, Duration delay);

  /** Ends partitions and slowness. */
  void heal();

  /**
   * Sends {@code request} to node {@code id} from a client outside the cluster (a transport of
   * its own, not a member), as a thin client or a load balancer's pick would.
   */
  CompletableFuture<io.dynamokv.spi.Message> sendFromClient(NodeId id, io.dynamokv.spi.Message request);

  /** Waits for {@code future}, driving the cluster if it needs driving. */
  <T> T await(CompletableFuture<T> future);

  /** Lets {@code duration} pass (virtual or real), so background work runs. */
  void pass(Duration duration);

  /** Waits until {@code condition} holds, failing after {@code limit}. */
  void awaitCondition(BooleanSupplier condition, Duration limit);

  @Override
  void close();
}
