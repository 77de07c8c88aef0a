package io.dynamokv.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamokv.Endpoint;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.examples.node.DynamoCli;
import io.dynamokv.internal.wire.CoordinateGet;
import io.dynamokv.internal.wire.CoordinatePut;
import io.dynamokv.internal.wire.CoordinatePutReply;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's cluster as three standalone node processes ({@code DynamoCli node}, RocksDB,
 * Netty on loopback), each with its own heap and collector, and a thin client in this JVM that
 * sends each put as a {@link CoordinatePut} and each get as a {@link CoordinateGet} to the nodes
 * in turn: the path of a client outside the cluster, one network hop more than an embedded node.
 * Node logs go to {@code <dir>/<id>.log}.
 */
final class ProcessCluster implements AutoCloseable {

  static final String STORE = "bench";
  private static final int TIMEOUT_MILLIS = 2000;

  private final List<Process> processes = new ArrayList<>();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<String> admins = new ArrayList<>();
  private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final NettyTransport client;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * Starts the nodes and waits until each coordinates a read.
   *
   * @param nodeThreads each node's I/O and handler threads (0: the transport's default)
   * @param heap each node's -Xmx, e.g. "512m"
   * @param jvmOptions more options for each node's JVM
   */
  ProcessCluster(Path dir, boolean sync, int nodeThreads, String heap, List<String> jvmOptions)
      throws IOException, InterruptedException {
    Map<String, String> founders = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      founders.put("node-" + i, "127.0.0.1:" + LocalCluster.freePort());
    }
    for (Map.Entry<String, String> node : founders.entrySet()) {
      String id = node.getKey();
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("id", id);
      config.put("listen", node.getValue());
      String admin = "127.0.0.1:" + LocalCluster.freePort();
      admins.add(admin);
      config.put("admin", admin);
      config.put("dataDir", dir.resolve(id).toString());
      config.put("founders", founders);
      config.put("durability", sync ? "sync" : "async");
      if (nodeThreads > 0) {
        config.put("ioThreads", nodeThreads);
        config.put("handlerThreads", nodeThreads);
      }
      Path file = dir.resolve(id + ".json");
      json.writeValue(file.toFile(), config);
      processes.add(BenchProcesses.start(DynamoCli.class, List.of("node", "--config", file.toString()), heap,
          jvmOptions, dir.resolve(id + ".log")));
      endpoints.add(io.dynamokv.examples.node.NodeConfig.parseEndpoint(node.getValue()));
    }
    client = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", LocalCluster.freePort()))
        .ioThreads(1).build());
    awaitReady(Duration.ofSeconds(60));
  }

  private void awaitReady(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (int i = 0; i < endpoints.size(); i++) {
      while (true) {
        try {
          client.request(endpoints.get(i), new CoordinateGet(STORE, new byte[] {0}, 3, 2, TIMEOUT_MILLIS),
              Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
          break;
        } catch (Exception e) {
          if (System.nanoTime() > deadline || !processes.get(i).isAlive()) {
            throw new IllegalStateException("node-" + i + " did not serve a read within " + limit
                + " (alive: " + processes.get(i).isAlive() + "): " + e, e);
          }
          TimeUnit.MILLISECONDS.sleep(200); // a real process starting: poll its readiness
        }
      }
    }
    System.out.printf(Locale.ROOT, "process cluster: 3 node processes ready (pids %s)%n",
        processes.stream().map(p -> Long.toString(p.pid())).toList());
  }

  private Endpoint nextNode() {
    return endpoints.get(Math.floorMod(next.getAndIncrement(), endpoints.size()));
  }

  /** Writes {@code value} over {@code seen}; returns the new context. */
  CompletableFuture<VersionVector> put(byte[] key, VersionVector seen, byte[] value) {
    Message put = CoordinatePut.of(STORE, key, seen, Optional.of(value), 3, 2, TIMEOUT_MILLIS);
    return client.request(nextNode(), put, Duration.ofMillis(2L * TIMEOUT_MILLIS))
        .thenApply(reply -> ((CoordinatePutReply) reply).versions().context());
  }

  /** Reads {@code key} (R=2 of N=3, coordinated by a node). */
  CompletableFuture<VersionSet> get(byte[] key) {
    return client.request(nextNode(), new CoordinateGet(STORE, key, 3, 2, TIMEOUT_MILLIS),
        Duration.ofMillis(2L * TIMEOUT_MILLIS)).thenApply(reply -> ((ReplicaGetReply) reply).versions());
  }

  /** The CPU time the node processes have used so far, in nanoseconds. */
  long nodesCpuNanos() {
    return BenchProcesses.cpuNanos(processes);
  }

  /**
   * The nodes' counter {@code name} (from each node's {@code /status}), summed; -1 if a node did
   * not answer within a second, or not with its status.
   */
  long sumOfMetric(String name) {
    long sum = 0;
    for (String admin : admins) {
      try {
        java.net.http.HttpResponse<byte[]> status = http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + admin + "/status"))
                .timeout(Duration.ofSeconds(1)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        com.fasterxml.jackson.databind.JsonNode value = json.readTree(status.body()).path("metrics").path(name);
        if (status.statusCode() != 200 || !value.isNumber()) {
          return -1;
        }
        sum += value.asLong();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return sum;
  }

  /** Stops the nodes (SIGTERM, then SIGKILL after 20 s) and the client. */
  @Override
  public void close() {
    client.close();
    processes.forEach(Process::destroy);
    for (Process p : processes) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
