package io.dynamokv.examples.node;

import static io.dynamokv.examples.node.NodeProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoClient;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.SeedsUnreachableException;
import io.dynamokv.Store;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.examples.client.ClusterClients;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.CoordinateGet;
import io.dynamokv.internal.wire.PrimaryGet;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.spi.RemoteFailureException;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.testkit.FaultyTransport;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link DynamoClient} against standalone node processes (RocksDB, Netty, a cluster secret), as
 * a stateless service uses one. Three nodes found the cluster, two join while the client writes,
 * one is killed under load, and one is cut off from the client alone: the client sends each
 * request to a replica of its key (no node counts a misrouted request once the ring settles),
 * follows the ring, fails over, and loses no acknowledged write. The client proves the clients'
 * secret, which lets it only coordinate; the CLI's key commands use the client too.
 */
class ClientProcessesIT {

  @TempDir
  Path dir;

  @Test
  void aClientFollowsTheClusterAndLosesNothing() throws Exception {
    try (NodeProcesses nodes = new NodeProcesses(dir);
        ExecutorScheduler scheduler = new ExecutorScheduler("test-client-faults", 1, Duration.ofSeconds(1))) {
      nodes.reserve("a", "b", "c", "d", "e");
      List<String> founders = List.of("a", "b", "c");
      for (String id : founders) {
        nodes.start(id, founders, List.of());
      }
      nodes.awaitServing(Duration.ofSeconds(60), founders);
      FaultyTransport network = new FaultyTransport(NettyTransport.create(NettyTransportConfig.newClientBuilder()
          .ioThreads(1).clientSecret(clientsSecret(nodes)).build()), scheduler);
      DynamoClient client = DynamoClient.newBuilder().transport(network).seed(endpoint(nodes, "b"))
          .requestTimeout(Duration.ofSeconds(2)).ringRefreshInterval(Duration.ofMillis(500)).build();
      try (client) {
        await("the client to learn the ring", Duration.ofSeconds(30), () -> started(client));
        Store<String> store = client.store("kv", Codec.utf8());
        for (int i = 0; i < 50; i++) {
          store.put("first-" + i, Context.EMPTY, "v" + i);
          assertThat(store.get("first-" + i).values()).containsExactly("v" + i);
        }
        assertThat(misrouted(nodes, founders)).isZero();

        Writers writers = new Writers(store).start(4);
        nodes.start("d", List.of(), List.of("a"), false);
        nodes.start("e", List.of(), List.of("a"), false);
        List<String> all = List.of("a", "b", "c", "d", "e");
        await("d and e to own partitions in every view", Duration.ofSeconds(120), () -> all.stream().allMatch(v ->
            nodes.status(v).map(s -> s.get("members").size() == 5 && s.get("pendingRingVersion").isNull()).orElse(false)
            && nodes.member(v, "d").map(m -> m.get("partitionsOwned").asInt() > 0).orElse(false)
            && nodes.member(v, "e").map(m -> m.get("partitionsOwned").asInt() > 0).orElse(false)));
        await("the client to hold the 5-node ring", Duration.ofSeconds(10),
            () -> client.metrics().get("ring.changes") >= 1 && ringVersionOf(nodes, "a") == client.metrics().get("ring.version"));
        long settled = misrouted(nodes, all);
        int before = writers.acknowledged.size();
        await("more writes", Duration.ofSeconds(30), () -> writers.acknowledged.size() > before + 200);
        assertThat(misrouted(nodes, all) - settled).as("misrouted requests once the client holds the new ring").isZero();

        // Killed under load: the client fails over within each request's deadline.
        nodes.signal("e", "KILL");
        int atKill = writers.acknowledged.size();
        await("writes after the kill", Duration.ofSeconds(30), () -> writers.acknowledged.size() > atKill + 200);

        // Cut off from the client alone: d still serves the others, and the client's writes go on.
        network.block(Set.of(endpoint(nodes, "d")));
        int atCut = writers.acknowledged.size();
        await("writes with d cut off from the client", Duration.ofSeconds(30),
            () -> writers.acknowledged.size() > atCut + 200);
        assertThat(client.metrics().get("requests.failed.over")).isPositive();
        writers.stop();
        network.heal();
        assertThat(writers.failed).as("writes the client failed").isEmpty();

        List<String> lost = new ArrayList<>();
        for (String key : writers.acknowledged) {
          if (!store.get(key).values().contains(key)) {
            lost.add(key);
          }
        }
        assertThat(lost).as("acknowledged writes lost").isEmpty();
      }
    }
  }

  @Test
  void theCliReadsAndWritesThroughTheClientAndAClientWithoutSeedsFailsFast() throws Exception {
    try (NodeProcesses nodes = new NodeProcesses(dir)) {
      nodes.reserve("a", "b", "c");
      List<String> founders = List.of("a", "b", "c");
      for (String id : founders) {
        nodes.start(id, founders, List.of());
      }
      nodes.awaitServing(Duration.ofSeconds(60), founders);
      String seeds = nodes.listen("a") + "," + nodes.listen("c");
      assertThat(cli(nodes, "put", "--seeds", seeds, "carts", "alice", "milk")).startsWith("0:");
      assertThat(cli(nodes, "get", "--seeds", seeds, "carts", "alice")).startsWith("0:").contains("\"values\":[\"milk\"]");
      assertThat(cli(nodes, "delete", "--seeds", seeds, "carts", "alice")).startsWith("0:");
      assertThat(cli(nodes, "get", "--seeds", seeds, "carts", "alice")).contains("\"values\":[]");

      // The clients' secret lets in a client, which may not send what only members may (issue 24).
      try (NettyTransport raw = NettyTransport.create(NettyTransportConfig.newClientBuilder().ioThreads(1)
          .clientSecret(clientsSecret(nodes)).build())) {
        Endpoint a = endpoint(nodes, "a");
        assertThatThrownBy(() -> raw.request(a, new ReplicaGet("carts", "alice".getBytes(StandardCharsets.UTF_8)),
            Duration.ofSeconds(5)).join()).hasCauseInstanceOf(RemoteFailureException.class)
            .hasMessageContaining("REPLICA_GET from client");
        assertThat(raw.request(a, new CoordinateGet("carts", "alice".getBytes(StandardCharsets.UTF_8), 3, 2, 1000),
            Duration.ofSeconds(5)).join()).isInstanceOf(ReplicaGetReply.class);
        // A client reads a primary's copy itself (three nodes, N=3: every node is a primary).
        assertThat(raw.request(a, new Addressed(NodeId.of("a"), new PrimaryGet("carts",
            "alice".getBytes(StandardCharsets.UTF_8), 3)), Duration.ofSeconds(5)).join())
            .isInstanceOf(ReplicaGetReply.class);
      }

      // No seed answers: the client says so at once, naming each seed.
      Endpoint nobody = Endpoint.of("127.0.0.1", LocalCluster.freePort());
      long start = System.nanoTime();
      assertThatThrownBy(() -> ClusterClients.connect(List.of(nobody), Optional.empty(), Duration.ofSeconds(2), 1))
          .isInstanceOf(SeedsUnreachableException.class).hasMessageContaining(nobody.toString());
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
      // A seed that is a node, but no secret: the node closes the connection; the client says which seed.
      assertThatThrownBy(() -> ClusterClients.connect(List.of(endpoint(nodes, "a")), Optional.empty(),
          Duration.ofSeconds(2), 1)).isInstanceOf(SeedsUnreachableException.class).hasMessageContaining(nodes.listen("a"));
    }
  }

  private static String cli(NodeProcesses nodes, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx128m", "-jar", nodes.jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().put("DYNAMO_CLIENT_SECRET_FILE", nodes.clientSecretFile().toString());
    Process p = b.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + ":" + out;
  }

  private static byte[] clientsSecret(NodeProcesses nodes) throws java.io.IOException {
    return Files.readString(nodes.clientSecretFile()).trim().getBytes(StandardCharsets.UTF_8);
  }

  private static Endpoint endpoint(NodeProcesses nodes, String id) {
    return NodeConfig.parseEndpoint(nodes.listen(id));
  }

  private static boolean started(DynamoClient client) {
    try {
      client.start();
      return true;
    } catch (SeedsUnreachableException e) {
      return false; // not yet: a real process is starting
    }
  }

  private static long misrouted(NodeProcesses nodes, List<String> ids) {
    return ids.stream().mapToLong(id -> nodes.status(id).orElseThrow().get("metrics").get("requests.misrouted").asLong())
        .sum();
  }

  private static long ringVersionOf(NodeProcesses nodes, String id) {
    return nodes.status(id).map(s -> s.get("ringVersion").asLong()).orElse(-1L);
  }

  /** Writers of unique keys through the client, remembering which were acknowledged. */
  private static final class Writers {
    final Set<String> acknowledged = new ConcurrentSkipListSet<>();
    final Set<String> failed = new ConcurrentSkipListSet<>();
    private final Store<String> store;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger next = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    Writers(Store<String> store) {
      this.store = store;
    }

    Writers start(int count) {
      for (int i = 0; i < count; i++) {
        Thread t = new Thread(() -> {
          while (!stopped.get()) {
            String key = "key-" + next.getAndIncrement();
            try {
              store.put(key, Context.EMPTY, key);
              acknowledged.add(key);
            } catch (RuntimeException e) {
              failed.add(key + ": " + e.getMessage());
            }
          }
        }, "writer-" + i);
        t.start();
        threads.add(t);
      }
      return this;
    }

    void stop() throws InterruptedException {
      stopped.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
