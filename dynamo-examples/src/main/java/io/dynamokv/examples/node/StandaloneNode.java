package io.dynamokv.examples.node;

import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.Transport;
import io.dynamokv.storage.rocksdb.Durability;
import io.dynamokv.storage.rocksdb.RocksDbConfig;
import io.dynamokv.storage.rocksdb.RocksDbStorageEngine;
import io.dynamokv.testkit.FaultyTransport;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import io.dynamokv.transport.netty.TlsConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node as its own process: RocksDB on disk, Netty between nodes, the admin interface for the
 * CLI. Runs until SIGTERM (or until it has left the cluster), then shuts down gracefully:
 * the admin interface stops, then the node, which closes its transport and its storage cleanly
 * (so it keeps its incarnation at the next start).
 */
final class StandaloneNode implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StandaloneNode.class);

  private final DynamoNode node;
  private final AdminServer admin;
  private final Optional<ExecutorScheduler> faultTimers;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private StandaloneNode(NodeConfig config) throws IOException {
    // Read first: a bad file stops the node before it opens anything.
    java.util.Optional<byte[]> secret = config.clusterSecret();
    java.util.Optional<byte[]> clientSecret = config.clientSecret();
    RocksDbStorageEngine storage = RocksDbStorageEngine.open(RocksDbConfig.newBuilder(Path.of(config.dataDir()))
        .durability(config.durability().equals("sync") ? Durability.SYNC : Durability.ASYNC)
        .blockCacheBytes((long) config.blockCacheMegabytes() << 20).updateCacheBytes(config.updateCacheMegabytes() << 20)
        .compression(config.compression()).build());
    NettyTransportConfig.Builder transportConfig = NettyTransportConfig.newBuilder(NodeConfig.parseEndpoint(config.listen()));
    if (config.ioThreads() != null) {
      transportConfig.ioThreads(config.ioThreads());
    }
    if (config.handlerThreads() != null) {
      transportConfig.handlerThreads(config.handlerThreads());
    }
    if (config.tls() != null) {
      transportConfig.tls(new TlsConfig(Path.of(config.tls().certificateChain()), Path.of(config.tls().privateKey()),
          Path.of(config.tls().trustedCertificates())));
    }
    secret.ifPresent(transportConfig::clusterSecret);
    clientSecret.ifPresent(transportConfig::clientSecret);
    NettyTransport netty;
    try {
      netty = NettyTransport.create(transportConfig.build());
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    // Fault injection is for tests: off, no wrapper stands on the request path.
    Optional<FaultyTransport> faults = Optional.empty();
    if (config.faultInjectionForTests()) {
      log.warn("node {}: fault injection is on (faultInjectionForTests): for tests only", config.id());
      faultTimers = Optional.of(new ExecutorScheduler("dynamo-faults", 1, Duration.ofSeconds(1)));
      faults = Optional.of(new FaultyTransport(netty, faultTimers.get()));
    } else {
      faultTimers = Optional.empty();
    }
    Transport transport = faults.<Transport>map(f -> f).orElse(netty);
    DynamoNodeBuilder b = DynamoNode.newBuilder(NodeId.of(config.id()))
        .storage(storage)
        .transport(transport)
        .insecureUnauthenticatedPeers(config.insecureUnauthenticatedPeers())
        .partitions(config.partitions())
        .replication(Replication.of(config.replication().n(), config.replication().r(), config.replication().w()))
        .requestTimeout(Duration.ofMillis(config.requestTimeoutMillis()))
        .gossipInterval(Duration.ofMillis(config.gossipIntervalMillis()))
        .phiThreshold(config.phiThreshold())
        .transferRate(config.transferBytesPerSecond());
    config.founders().forEach((id, endpoint) -> b.member(NodeId.of(id), NodeConfig.parseEndpoint(endpoint)));
    config.seeds().forEach(s -> b.seed(NodeConfig.parseEndpoint(s)));
    node = b.build();
    node.start();
    admin = new AdminServer(NodeConfig.parseEndpoint(config.admin()), node, faults, this::leftCluster,
        config.adminToken());
  }

  /** Runs the node of {@code configFile} until SIGTERM or until it has left. */
  static void run(Path configFile) throws Exception {
    NodeConfig config = NodeConfig.read(configFile);
    StandaloneNode standalone = new StandaloneNode(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("node {}: stopping (signal)", config.id());
      standalone.close();
    }, "dynamo-shutdown"));
    standalone.node.joinedAsync().thenRun(() -> log.info("node {}: member of the cluster", config.id()));
    standalone.stopped.await();
  }

  private void leftCluster() {
    log.info("node {}: has left the cluster; stopping", node.id());
    // Not on the thread that completed the leave: that may be one of the transport's own.
    new Thread(this::close, "dynamo-stop").start();
  }

  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    admin.close();
    node.close();
    faultTimers.ifPresent(ExecutorScheduler::close);
    stopped.countDown();
    log.info("node {}: stopped", node.id());
  }
}
