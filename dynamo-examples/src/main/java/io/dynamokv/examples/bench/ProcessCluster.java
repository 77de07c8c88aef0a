package io.dynamokv.examples.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamokv.Codec;
import io.dynamokv.DynamoClient;
import io.dynamokv.Endpoint;
import io.dynamokv.Store;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.examples.client.ClusterClients;
import io.dynamokv.examples.node.DynamoCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's cluster as three standalone node processes ({@code DynamoCli node}, RocksDB,
 * Netty on loopback, a cluster secret and a clients' one), each with its own heap and collector, and a
 * {@link DynamoClient} in this JVM that sends each request to a replica of its key: the path of
 * a service that holds no data. Node logs go to {@code <dir>/<id>.log}.
 */
final class ProcessCluster implements AutoCloseable {

  static final String STORE = "bench";
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final List<Process> processes = new ArrayList<>();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final List<String> admins = new ArrayList<>();
  private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  /** The clients' secret, which the client proves. */
  private final Path secretFile;
  private DynamoClient client;
  private Store<byte[]> store;

  /**
   * Starts the nodes and waits until the client has learned the ring and each node answers.
   *
   * @param nodeThreads each node's I/O and handler threads (0: the transport's default)
   * @param heap each node's -Xmx, e.g. "512m"
   * @param jvmOptions more options for each node's JVM
   */
  ProcessCluster(Path dir, boolean sync, int nodeThreads, String heap, List<String> jvmOptions)
      throws IOException, InterruptedException {
    Path clusterSecretFile = randomSecret(dir.resolve("cluster.secret"));
    secretFile = randomSecret(dir.resolve("clients.secret"));
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
      config.put("clusterSecretFile", clusterSecretFile.toString());
      config.put("clientSecretFile", secretFile.toString());
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
    awaitReady(Duration.ofSeconds(60));
  }

  private static Path randomSecret(Path file) throws IOException {
    byte[] secret = new byte[16];
    new java.security.SecureRandom().nextBytes(secret);
    return Files.writeString(file, java.util.HexFormat.of().formatHex(secret));
  }

  private void awaitReady(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        if (client == null) {
          client = ClusterClients.connect(endpoints, Optional.of(secretFile.toString()), TIMEOUT, 1);
          store = client.store(STORE, Codec.bytes());
        }
        if (processes.stream().allMatch(Process::isAlive) && admins.stream().allMatch(this::answers)) {
          store.get("ready");
          break;
        }
      } catch (RuntimeException e) {
        if (System.nanoTime() > deadline || !processes.stream().allMatch(Process::isAlive)) {
          throw new IllegalStateException("the node processes did not serve a read within " + limit
              + " (alive: " + processes.stream().map(Process::isAlive).toList() + "): " + e, e);
        }
      }
      TimeUnit.MILLISECONDS.sleep(200); // real processes starting: poll their readiness
    }
    System.out.printf(Locale.ROOT, "process cluster: 3 node processes ready (pids %s)%n",
        processes.stream().map(p -> Long.toString(p.pid())).toList());
  }

  private boolean answers(String admin) {
    try {
      return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + admin + "/status"))
          .timeout(Duration.ofSeconds(1)).build(), java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The benchmark's store, through the client. */
  Store<byte[]> store() {
    return store;
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
    if (client != null) {
      client.close();
    }
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
