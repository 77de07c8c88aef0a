package io.dynamokv.examples.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dynamokv.ClusterStatus;
import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoException;
import io.dynamokv.DynamoNode;
import io.dynamokv.Endpoint;
import io.dynamokv.GetResult;
import io.dynamokv.NodeId;
import io.dynamokv.ReadOptions;
import io.dynamokv.RepairReport;
import io.dynamokv.Store;
import io.dynamokv.testkit.FaultyTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP interface that the CLI talks to: keys, status and operator actions of one standalone
 * node. Plain HTTP with JSON replies, served by the JDK's own server: bind it to loopback or a
 * private network, since it has no authentication.
 *
 * <pre>
 * GET    /status                 members, ring ownership, hint backlog, counters
 * GET    /metrics                counters and latencies in the Prometheus text format
 * GET    /kv/{store}/{key}[?r=R] the values (siblings) as UTF-8, and the context (base64)
 * PUT    /kv/{store}/{key}       body = value; with header X-Dynamo-Context (from a GET) it
 *                                replaces what that GET returned, without, what a read now returns
 * DELETE /kv/{store}/{key}       deletes what a read returns (or what X-Dynamo-Context saw)
 * POST   /repair                 run an anti-entropy pass now and report it
 * POST   /leave                  decommission this node (the process exits once LEFT)
 * POST   /remove/{id}            declare another node gone for good
 * POST   /faults/block           body = "host:port,...": drop requests to those peers
 * POST   /faults/heal            stop dropping
 * </pre>
 *
 * <p>The two {@code /faults} calls exist only in a node started for tests
 * ({@code "faultInjectionForTests": true}); elsewhere they answer 404.
 */
final class AdminServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String CONTEXT_HEADER = "X-Dynamo-Context";

  /** The largest request body served: the largest value a node accepts, and some room. */
  static final int MAX_BODY_BYTES = (8 << 20) + 1024;

  /** Requests served at once; a request whose body is slow to arrive holds one until its deadline. */
  static final int HANDLER_THREADS = 16;

  /**
   * How long a client may take to send a whole request, headers and body: past it, the JDK's
   * HTTP server closes the connection, and the thread reading the body is free again, so a few
   * slow clients cannot hold the interface. The server reads the setting once, when it is first
   * used; a value set by the operator wins.
   */
  static final int REQUEST_DEADLINE_SECONDS = 10;

  static {
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_DEADLINE_SECONDS));
    }
  }

  private final DynamoNode node;
  private final Optional<FaultyTransport> faults;
  private final Runnable onLeft;
  private final HttpServer server;
  private final Optional<byte[]> token;

  /**
   * @param token if present, every request must carry {@code Authorization: Bearer <token>}
   */
  AdminServer(Endpoint bind, DynamoNode node, Optional<FaultyTransport> faults, Runnable onLeft,
      Optional<String> token) throws IOException {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.node = node;
    this.faults = faults;
    this.onLeft = onLeft;
    server = HttpServer.create(new InetSocketAddress(bind.host(), bind.port()), 64);
    server.setExecutor(Executors.newFixedThreadPool(HANDLER_THREADS, r -> {
      Thread t = new Thread(r, "dynamo-admin");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::serve);
    server.start();
    log.info("admin interface on http://{}:{}/status", bind.host(), server.getAddress().getPort());
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!authorized(exchange)) {
        // Before the body is read: an unauthenticated client makes the node do nothing.
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(exchange, 401, Map.of("error", "a token is required (expected: Authorization: Bearer <token>)"));
        return;
      }
      String method = exchange.getRequestMethod();
      try {
        List<String> path = Arrays.stream(exchange.getRequestURI().getRawPath().split("/"))
            .filter(s -> !s.isEmpty()).map(AdminServer::decodeSegment).toList();
        Object reply = route(method, path, readBody(exchange),
            Optional.ofNullable(exchange.getRequestHeaders().getFirst(CONTEXT_HEADER)),
            Optional.ofNullable(exchange.getRequestURI().getQuery()));
        send(exchange, 200, reply);
      } catch (BodyTooLargeException e) {
        send(exchange, 413, Map.of("error", String.valueOf(e.getMessage())));
      } catch (NotFoundException e) {
        send(exchange, 404, Map.of("error", String.valueOf(e.getMessage())));
      } catch (IllegalArgumentException e) {
        send(exchange, 400, Map.of("error", String.valueOf(e.getMessage())));
      } catch (DynamoException e) {
        send(exchange, 503, Map.of("error", String.valueOf(e.getMessage())));
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        send(exchange, cause instanceof DynamoException ? 503 : 500, Map.of("error", String.valueOf(cause.getMessage())));
      }
    }
  }

  /** Whether the request carries the token, compared in constant time; true if none is configured. */
  private boolean authorized(HttpExchange exchange) {
    if (token.isEmpty()) {
      return true;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    byte[] given = header != null && header.startsWith("Bearer ")
        ? header.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8) : new byte[0];
    return java.security.MessageDigest.isEqual(given, token.get());
  }

  private Object route(String method, List<String> path, byte[] body, Optional<String> context,
      Optional<String> query) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException(
          "path : / (expected: /status, /metrics, /kv/{store}/{key}, /stores/{store}, /leave, /remove/{id}, /faults/...)");
    }
    switch (path.get(0)) {
      case "status" -> {
        return status();
      }
      case "metrics" -> {
        return new PlainText(PrometheusText.render(node.status(), node.metrics(), node.latencies()));
      }
      case "kv" -> {
        if (path.size() != 3) {
          throw new IllegalArgumentException("path : /" + String.join("/", path) + " (expected: /kv/{store}/{key})");
        }
        return kv(method, store(path.get(1)), path.get(2), body, context.map(c -> Context.fromBytes(
            Base64.getDecoder().decode(c))), query.filter(q -> q.startsWith("r=")).map(q -> Integer.parseInt(q.substring(2))));
      }
      case "repair" -> {
        RepairReport r = node.repairAsync().join();
        return Map.of("exchanges", r.exchanges(), "partitionsInSync", r.partitionsInSync(),
            "segmentsDiffering", r.segmentsDiffering(), "keysReceived", r.keysReceived(), "keysSent", r.keysSent(),
            "exchangesSkipped", r.exchangesSkipped());
      }
      case "leave" -> {
        node.leaveAsync().thenRun(onLeft);
        return Map.of("leaving", true);
      }
      case "stores" -> {
        if (path.size() != 2 || !method.equals("DELETE")) {
          throw new IllegalArgumentException(method + " /" + String.join("/", path) + " (expected: DELETE /stores/{store})");
        }
        node.dropStoreAsync(path.get(1)).join();
        return Map.of("dropped", path.get(1));
      }
      case "remove" -> {
        if (path.size() != 2) {
          throw new IllegalArgumentException("path : /" + String.join("/", path) + " (expected: /remove/{id})");
        }
        node.removeNode(NodeId.of(path.get(1)));
        return Map.of("removed", path.get(1));
      }
      case "faults" -> {
        FaultyTransport faults = this.faults.orElseThrow(() -> new NotFoundException(
            "fault injection is off (it exists only in a node started with \"faultInjectionForTests\": true)"));
        if (path.size() == 2 && path.get(1).equals("heal")) {
          faults.heal();
          return Map.of("blocked", List.of());
        }
        Set<Endpoint> peers = Arrays.stream(new String(body, StandardCharsets.UTF_8).trim().split(","))
            .filter(s -> !s.isBlank()).map(s -> NodeConfig.parseEndpoint(s.trim())).collect(Collectors.toSet());
        faults.block(peers);
        log.warn("admin: dropping requests to {}", peers);
        return Map.of("blocked", peers.stream().map(Endpoint::toString).sorted().toList());
      }
      default -> throw new IllegalArgumentException("path : /" + String.join("/", path) + " (unknown)");
    }
  }

  /** A handle per request: cheap, and nothing kept per name, so names cannot pile up here. */
  private Store<byte[]> store(String name) {
    return node.store(name, Codec.bytes());
  }

  private Object kv(String method, Store<byte[]> store, String key, byte[] body, Optional<Context> context,
      Optional<Integer> r) {
    if (method.equals("GET")) {
      GetResult<byte[]> current = store.get(key, r.map(ReadOptions.defaults()::withR).orElse(ReadOptions.defaults()));
      List<String> values = new ArrayList<>();
      current.values().forEach(v -> values.add(new String(v, StandardCharsets.UTF_8)));
      return Map.of("key", key, "values", values,
          "context", Base64.getEncoder().encodeToString(current.context().toBytes()));
    }
    // Without a context from the caller's read, replace what a read now returns (the CLI's case).
    Context seen = context.orElseGet(() -> store.get(key).context());
    return switch (method) {
      case "PUT" -> {
        store.put(key, seen, body);
        yield Map.of("key", key, "written", true);
      }
      case "DELETE" -> {
        store.delete(key, seen);
        yield Map.of("key", key, "deleted", true);
      }
      default -> throw new IllegalArgumentException("method : " + method + " (expected: GET, PUT or DELETE)");
    };
  }

  private Map<String, Object> status() {
    ClusterStatus s = node.status();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("self", s.self().value());
    out.put("ringVersion", s.ringVersion());
    out.put("pendingRingVersion", s.pendingRingVersion().orElse(null));
    out.put("partitions", s.partitions());
    List<Map<String, Object>> members = new ArrayList<>();
    for (ClusterStatus.Member m : s.members()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("id", m.id().value());
      e.put("endpoint", m.endpoint().toString());
      e.put("status", m.status());
      e.put("reachable", m.reachable());
      e.put("phi", Math.round(m.phi() * 100) / 100.0);
      e.put("sinceHeartbeatMillis", m.sinceHeartbeat().map(java.time.Duration::toMillis).orElse(null));
      e.put("partitionsOwned", m.partitionsOwned());
      e.put("partitionsPending", m.partitionsPending());
      members.add(e);
    }
    out.put("members", members);
    out.put("hintBacklog", s.hintBacklog());
    Map<String, Object> hints = new java.util.TreeMap<>();
    s.hintsByTarget().forEach((target, b) -> hints.put(target.value(), Map.of("hints", b.hints(), "bytes", b.bytes())));
    out.put("hintsByTarget", hints);
    out.put("antiEntropyDebtMillis", s.antiEntropyDebt().toMillis());
    List<Map<String, Object>> behind = new ArrayList<>();
    for (ClusterStatus.PartitionBehind p : s.partitionsBehind()) {
      behind.add(Map.of("store", p.store(), "partition", p.partition(), "peer", p.peer().value(),
          "sinceMillis", p.since().toMillis()));
    }
    out.put("partitionsBehind", behind);
    out.put("transfer", s.transfer().map(t -> {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("ringVersion", t.ringVersion());
      e.put("partitionsTotal", t.partitionsTotal());
      e.put("partitionsDone", t.partitionsDone());
      e.put("bytesReceived", t.bytesReceived());
      e.put("remainingMillis", t.remaining().map(java.time.Duration::toMillis).orElse(null));
      return e;
    }).orElse(null));
    out.put("pendingWork", s.pendingWork().orElse(null));
    out.put("metrics", node.metrics());
    return out;
  }

  /** A reply that is text already (the Prometheus exposition), not an object to write as JSON. */
  private record PlainText(String text) {}

  private static void send(HttpExchange exchange, int code, Object reply) throws IOException {
    boolean text = reply instanceof PlainText;
    byte[] bytes = text ? ((PlainText) reply).text().getBytes(StandardCharsets.UTF_8)
        : JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reply);
    exchange.getResponseHeaders().set("Content-Type", text ? "text/plain; version=0.0.4; charset=utf-8"
        : "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Returns the port the server listens on. */
  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * Reads the request's body, refusing one over {@link #MAX_BODY_BYTES} before reading it all:
   * a declared length over the limit at once, an undeclared one once the limit is passed.
   */
  private static byte[] readBody(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long length;
      try {
        length = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Content-Length : " + declared + " (expected: a number)");
      }
      if (length > MAX_BODY_BYTES) {
        throw new BodyTooLargeException(length);
      }
    }
    byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw new BodyTooLargeException(body.length);
    }
    return body;
  }

  /**
   * Decodes one percent-encoded path segment as UTF-8, refusing bytes that are not UTF-8 rather
   * than replacing them (which would make different raw keys one key).
   */
  static String decodeSegment(String raw) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw new IllegalArgumentException("path segment " + raw + " : a '%' without two hex digits");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("path segment " + raw + " : a '%' without two hex digits");
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (c == '+') {
        bytes.write(' '); // as URLDecoder reads it; the CLI sends spaces as %20
      } else if (Character.isSurrogate(c) || c >= 0x80) {
        throw new IllegalArgumentException("path segment " + raw + " : a raw non-ASCII character (expected: percent-encoded UTF-8)");
      } else {
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("path segment " + raw + " : not valid UTF-8 (expected: a key or a name in UTF-8)");
    }
  }

  /** A body over {@link #MAX_BODY_BYTES}: answered with 413. */
  private static final class BodyTooLargeException extends RuntimeException {
    BodyTooLargeException(long bytes) {
      super("request body of " + bytes + " bytes (expected: <= " + MAX_BODY_BYTES + ")");
    }
  }

  /** A path that this node does not serve: answered with 404. */
  private static final class NotFoundException extends RuntimeException {
    NotFoundException(String message) {
      super(message);
    }
  }
}
