package io.dynamokv;

import io.dynamokv.internal.Limits;
import io.dynamokv.internal.client.ClientRuntime;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of a dynamo-kv cluster, for services that hold no data: it learns the ring from any
 * node and sends each request straight to a node of its key's preference list, which
 * coordinates it as a replica (the paper's client-driven coordination). It is never a member: it
 * owns no partitions and holds no data or hints. Its {@link Store}s are the same as a node's.
 *
 * <pre>{@code
 * DynamoClient client = DynamoClient.newBuilder()
 *     .seed(Endpoint.of("10.0.0.1", 7400))
 *     .seed(Endpoint.of("10.0.0.2", 7400))
 *     .transport(NettyTransport.create(NettyTransportConfig.newClientBuilder().clusterSecret(secret).build()))
 *     .build();
 * client.start();                                  // fails fast if no seed answers
 * Store<Cart> carts = client.store("carts", Codec.json(Cart.class), Cart::union);
 * }</pre>
 *
 * <p>The client keeps the ring fresh: every refresh interval it asks a node whether the committed
 * ring moved on (usually a bare acknowledgement), and at once when a request suggests it did. A
 * node that cannot be reached, or is silent past its share of the deadline, is skipped: the
 * request goes to the next node of the preference list, within its deadline; a failure names
 * each node tried and why. A write that fails may still have been applied, as with a node.
 *
 * <p>The client owns the transport it is given (it never listens on it: {@link #close()} closes
 * it). Lifecycle: NEW, RUNNING after {@link #start()}, CLOSED. Thread-safe.
 */
public final class DynamoClient extends AbstractStores implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DynamoClient.class);

  private enum State { NEW, RUNNING, CLOSED }

  private final DynamoClientBuilder.Settings settings;
  private final Scheduler scheduler;
  private final Optional<ExecutorScheduler> ownedScheduler;
  private final OpenStores stores = new OpenStores();
  private State state = State.NEW;
  private ClientRuntime runtime;

  DynamoClient(DynamoClientBuilder.Settings settings) {
    this.settings = settings;
    this.ownedScheduler = settings.scheduler().isPresent() ? Optional.empty()
        : Optional.of(new ExecutorScheduler("dynamo-client", 2, Duration.ofSeconds(1)));
    this.scheduler = settings.scheduler().orElseGet(ownedScheduler::get);
  }

  /** Starts a builder. */
  public static DynamoClientBuilder newBuilder() {
    return new DynamoClientBuilder();
  }

  /**
   * Learns the cluster's ring from the seeds, waiting at most the request timeout. After a
   * failure the client may be started again.
   *
   * @throws SeedsUnreachableException if no seed answered with a ring, naming each seed and why
   * @throws IllegalStateException if the client was started before
   */
  public void start() {
    try {
      startAsync().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** As {@link #start()}, without waiting: the future fails as {@code start()} throws. */
  public synchronized CompletableFuture<Void> startAsync() {
    if (state != State.NEW) {
      return CompletableFuture.failedFuture(new IllegalStateException("client is " + state + " (expected: NEW)"));
    }
    state = State.RUNNING;
    return ClientRuntime.start(settings.transport(), scheduler, settings.clock(), settings.seeds(),
        settings.requestTimeout(), settings.ringRefreshInterval(), settings.maxAttempts(), settings.random().nextLong()).handle((r, failure) -> {
          synchronized (this) {
            if (failure != null) {
              if (state == State.RUNNING) {
                state = State.NEW; // may be started again, once a seed is up
              }
              throw new CompletionException(io.dynamokv.internal.Failures.cause(failure));
            }
            if (state == State.CLOSED) {
              r.stop();
              return null;
            }
            runtime = r;
          }
          log.info("client started: {} nodes, from seeds {}", r.clusterSize(), settings.seeds());
          return null;
        });
  }

  @Override
  Replication defaultReplication() {
    return settings.replication();
  }

  @Override
  <V> Store<V> open(String name, Codec<V> codec, Optional<ConflictResolver<V>> resolver,
      Replication replication) {
    ClientRuntime r = running();
    stores.open(name, codec, replication, r.clusterSize());
    return new Store<>(name, codec, resolver, replication, r.coordination(), scheduler::execute,
        settings.requestTimeout(), settings.limits());
  }

  /**
   * What the client's stores send their requests through. A blocking call's caller wakes as its
   * future here completes, with no callback thread between: tests in this package use it to see
   * what such a caller sees.
   */
  io.dynamokv.internal.Coordination coordination() {
    return running().coordination();
  }

  @Override
  <T> T openBuiltIn(String name, StoreHandle.Factory<T> handle) {
    ClientRuntime r = running();
    stores.open(name, settings.replication(), r.clusterSize());
    return handle.create(name, settings.replication(), r.coordination(), scheduler::execute, settings.requestTimeout(),
        settings.limits());
  }

  /**
   * Returns the client's counters: {@code requests}, {@code requests.failed.over} (attempts after
   * the first), {@code requests.failed}, {@code reads.direct} (gets answered by R primaries that
   * agreed, with no coordinator between) and {@code reads.direct.missed} (gets read again through
   * a coordinator: the primaries differed, or one failed), {@code ring.changes} followed,
   * {@code ring.version} held and {@code nodes.believed.down}. Empty before the client is running.
   */
  public synchronized Map<String, Long> metrics() {
    return runtime == null ? Map.of() : runtime.metrics();
  }

  /**
   * Returns the latency of the client's operations as its application sees them (failovers
   * included), keyed {@code op/store}: {@code get}, {@code put}, {@code delete}, {@code update}.
   * Empty before the client is running.
   */
  public synchronized java.util.SortedMap<String, LatencySummary> latencies() {
    return runtime == null ? new java.util.TreeMap<>() : LatencySummary.of(runtime.latencies());
  }

  /** Stops the client and closes its transport. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      if (runtime != null) {
        runtime.stop();
      }
    }
    settings.transport().close();
    ownedScheduler.ifPresent(ExecutorScheduler::close);
    log.info("client closed");
  }

  private synchronized ClientRuntime running() {
    if (runtime == null || state != State.RUNNING) {
      throw new NodeNotRunningException("client is " + (state == State.RUNNING ? "starting" : state)
          + " (expected: RUNNING); start() it first");
    }
    return runtime;
  }

  @Override
  public String toString() {
    return "DynamoClient{seeds " + settings.seeds() + ", " + state + "}";
  }

  /** Returns the seeds the client was built with. */
  public List<Endpoint> seeds() {
    return settings.seeds();
  }

  static Limits limits(int maxKeyBytes, int maxValueBytes) {
    return new Limits(maxKeyBytes, maxValueBytes, 64, Math.max(4 << 20, maxValueBytes));
  }
}
