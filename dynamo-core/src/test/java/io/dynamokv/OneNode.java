package io.dynamokv;

import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;

/**
 * A cluster of one node, N = R = W = 1, on an in-memory engine, with real scheduler threads:
 * for tests of what one node does with a request, where no request ever leaves it. Close it
 * after the test; it closes the node and its scheduler.
 */
public final class OneNode implements AutoCloseable {

  private final ExecutorScheduler scheduler;
  private final DynamoNode node;

  private OneNode(DynamoNodeBuilder builder, ExecutorScheduler scheduler) {
    this.scheduler = scheduler;
    this.node = builder.build();
  }

  /** Returns a builder of node "a" with everything set but the limits, which the test may set. */
  public static OneNode.Builder newBuilder(StorageEngine storage) {
    return new Builder(storage);
  }

  /** Returns a started node "a" on a new in-memory engine. */
  public static OneNode start() {
    return newBuilder(StorageEngine.inMemory()).start();
  }

  /** Returns the node. */
  public DynamoNode node() {
    return node;
  }

  @Override
  public void close() {
    node.close();
    scheduler.close();
  }

  /** The one node's builder, before it starts. */
  public static final class Builder {
    private final ExecutorScheduler scheduler = new ExecutorScheduler("one-node", 2, Duration.ofSeconds(5));
    private final DynamoNodeBuilder builder;

    private Builder(StorageEngine storage) {
      builder = DynamoNode.newBuilder(NodeId.of("a"))
          .storage(storage)
          .transport(new Simulation(1).network().transport(Endpoint.of("a", 1)))
          .scheduler(scheduler)
          .member(NodeId.of("a"), Endpoint.of("a", 1))
          .replication(Replication.of(1, 1, 1));
    }

    /** Returns the node's builder, for settings the test needs. */
    public DynamoNodeBuilder node() {
      return builder;
    }

    /** Builds and starts the node. */
    public OneNode start() {
      OneNode one = new OneNode(builder, scheduler);
      one.node.start();
      return one;
    }
  }
}
