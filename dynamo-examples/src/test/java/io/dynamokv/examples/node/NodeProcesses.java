package io.dynamokv.examples.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamokv.examples.LocalCluster;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Standalone node processes on loopback for tests: each runs {@code target/dynamo-node.jar}
 * with its own config, data directory and log file under {@code dir}; the test pauses, kills and
 * restarts them by pid and talks to them through their admin interface. {@link #close()} kills
 * every process this object started.
 */
final class NodeProcesses implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path jar = Path.of("target", "dynamo-node.jar").toAbsolutePath();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Map<String, Integer> listenPorts = new LinkedHashMap<>();
  private final Map<String, Integer> adminPorts = new LinkedHashMap<>();
  private final List<Process> all = new ArrayList<>();

  NodeProcesses(Path dir) {
    this.dir = dir;
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: it is built by the package phase (mvn verify)");
    }
  }

  /** Assigns ports to {@code ids} (before any starts, so founders can list each other). */
  void reserve(String... ids) {
    for (String id : ids) {
      listenPorts.put(id, LocalCluster.freePort());
      adminPorts.put(id, LocalCluster.freePort());
    }
  }

  String listen(String id) {
    return "127.0.0.1:" + listenPorts.get(id);
  }

  String admin(String id) {
    return "127.0.0.1:" + adminPorts.get(id);
  }

  Path dataDir(String id) {
    return dir.resolve("data-" + id);
  }

  /** Starts {@code id} as a founder of {@code founders}, or joining through {@code seeds} if founders is empty. */
  void start(String id, List<String> founders, List<String> seeds) throws IOException {
    start(id, founders, seeds, true);
  }

  /**
   * Starts {@code id}, with the fault switch ({@code /faults/block} and {@code /faults/heal}) if
   * {@code faultInjection}, as a test that partitions nodes needs; without it, as in production.
   */
  void start(String id, List<String> founders, List<String> seeds, boolean faultInjection) throws IOException {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("id", id);
    config.put("listen", listen(id));
    config.put("admin", admin(id));
    config.put("dataDir", dataDir(id).toString());
    Map<String, String> f = new LinkedHashMap<>();
    founders.forEach(n -> f.put(n, listen(n)));
    config.put("founders", f);
    config.put("seeds", seeds.stream().map(this::listen).toList());
    config.put("gossipIntervalMillis", 300);
    config.put("requestTimeoutMillis", 1000);
    config.put("faultInjectionForTests", faultInjection);
    config.put("clusterSecretFile", secretFile().toString()); // every connection between the nodes proves it
    config.put("clientSecretFile", clientSecretFile().toString()); // clients prove this one instead
    Path file = dir.resolve(id + ".json");
    JSON.writeValue(file.toFile(), config);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "node", "--config", file.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(id + ".log").toFile()))
        .start();
    processes.put(id, p);
    all.add(p);
  }

  /** The clients' secret, one for all the nodes this instance starts. */
  Path clientSecretFile() throws IOException {
    return randomSecret(dir.resolve("clients.secret"));
  }

  /** The cluster's secret, one for all the nodes this instance starts. */
  Path secretFile() throws IOException {
    return randomSecret(dir.resolve("cluster.secret"));
  }

  private static Path randomSecret(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] random = new byte[24];
      new java.security.SecureRandom().nextBytes(random);
      Files.writeString(file, java.util.HexFormat.of().formatHex(random));
    }
    return file;
  }

  /** The standalone node's jar, which also runs the CLI. */
  Path jar() {
    return jar;
  }

  Process process(String id) {
    return processes.get(id);
  }

  /** Sends {@code signal} (STOP, CONT, KILL, TERM) to {@code id}'s process. */
  void signal(String id, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes.get(id).pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + id + " failed");
    }
  }

  /** Deletes {@code id}'s data directory (the node must be stopped). */
  void wipe(String id) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir(id))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Returns {@code id}'s status as JSON, or empty if it does not answer. */
  Optional<JsonNode> status(String id) {
    return call("GET", id, "/status", "").filter(r -> r.statusCode() == 200).map(r -> {
      try {
        return JSON.readTree(r.body());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Returns what {@code viewer} says of {@code member}: its status and reachability. */
  Optional<JsonNode> member(String viewer, String member) {
    return status(viewer).flatMap(s -> {
      for (JsonNode m : s.get("members")) {
        if (m.get("id").asText().equals(member)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    });
  }

  /** Puts {@code value} through {@code id}; true if acknowledged. */
  boolean put(String id, String key, String value) {
    return call("PUT", id, "/kv/test/" + enc(key), value).map(r -> r.statusCode() == 200).orElse(false);
  }

  /** Reads {@code key} through {@code id}: its values, or empty if the read failed. */
  Optional<List<String>> get(String id, String key) {
    return call("GET", id, "/kv/test/" + enc(key), "").filter(r -> r.statusCode() == 200).map(r -> {
      try {
        List<String> values = new ArrayList<>();
        JSON.readTree(r.body()).get("values").forEach(v -> values.add(v.asText()));
        return values;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** A read's values and the context to write back with. */
  record Read(List<String> values, String context) {}

  /** Reads {@code key} of {@code store} through {@code id} with R = {@code r}. */
  Optional<Read> read(String id, String store, String key, int r) {
    return call("GET", id, "/kv/" + store + "/" + enc(key) + "?r=" + r, "", Optional.empty())
        .filter(x -> x.statusCode() == 200).map(x -> {
          try {
            JsonNode json = JSON.readTree(x.body());
            List<String> values = new ArrayList<>();
            json.get("values").forEach(v -> values.add(v.asText()));
            return new Read(values, json.get("context").asText());
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** Writes {@code value} with the context of an earlier read; the HTTP status, or empty if no answer. */
  Optional<Integer> write(String id, String store, String key, String value, Optional<String> context) {
    return call("PUT", id, "/kv/" + store + "/" + enc(key), value, context).map(HttpResponse::statusCode);
  }

  /** Runs an anti-entropy pass on {@code id}; the number of segments it found differing, or empty. */
  Optional<Integer> repair(String id) {
    return call("POST", id, "/repair", "").filter(r -> r.statusCode() == 200).map(r -> {
      try {
        return JSON.readTree(r.body()).get("segmentsDiffering").asInt();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  Optional<HttpResponse<String>> call(String method, String id, String path, String body) {
    return call(method, id, path, body, Optional.empty());
  }

  Optional<HttpResponse<String>> call(String method, String id, String path, String body, Optional<String> context) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + admin(id) + path))
          .timeout(Duration.ofSeconds(5));
      context.ifPresent(c -> b.header("X-Dynamo-Context", c));
      HttpRequest request = b
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
      return Optional.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Waits for {@code condition}, polling, failing with {@code what} after {@code limit}. */
  static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + limit + " waiting for: " + what);
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits until every one of {@code ids} answers its status. On timeout the failure names the
   * nodes that do not, whether each process still runs (or its exit code), and the end of its
   * log: the data directory and the logs are gone once the test ends.
   */
  void awaitServing(Duration limit, List<String> ids) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!ids.stream().allMatch(id -> status(id).isPresent())) {
      if (System.nanoTime() > deadline) {
        StringBuilder why = new StringBuilder("timed out after " + limit + " waiting for " + ids + " to serve");
        for (String id : ids) {
          if (status(id).isEmpty()) {
            Process p = processes.get(id);
            why.append("\n--- ").append(id).append(" does not answer; its process ")
                .append(p.isAlive() ? "runs" : "exited with " + p.exitValue()).append("; last lines of its log:\n")
                .append(tail(id, 30));
          }
        }
        throw new AssertionError(why.toString());
      }
      Thread.sleep(100);
    }
  }

  private String tail(String id, int lines) {
    try {
      List<String> all = Files.exists(dir.resolve(id + ".log")) ? Files.readAllLines(dir.resolve(id + ".log")) : List.of();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** Returns the log of {@code id} (for failure messages). */
  String log(String id) throws IOException {
    Path file = dir.resolve(id + ".log");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  @Override
  public void close() {
    for (Process p : all) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    for (Process p : all) {
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
