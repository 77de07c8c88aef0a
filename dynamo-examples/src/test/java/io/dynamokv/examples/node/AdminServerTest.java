package io.dynamokv.examples.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoNode;
import io.dynamokv.Endpoint;
import io.dynamokv.OneNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #30, item 8: the admin interface read whole bodies before checking their size (64-100
 * MiB bodies exhausted the heap), answered a malformed context with 500, and turned
 * percent-encoded bytes that are not UTF-8 into U+FFFD, so different raw keys became one.
 */
class AdminServerTest {

  private final OneNode one = OneNode.start();
  private final DynamoNode node = one.node();
  private final AdminServer admin;
  private final HttpClient http = HttpClient.newHttpClient();

  AdminServerTest() throws IOException {
    admin = new AdminServer(Endpoint.of("127.0.0.1", 0), node, Optional.empty(), () -> { }, Optional.empty());
  }

  @AfterEach
  void close() {
    admin.close();
    one.close();
  }

  private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
        .method(method, body).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413BeforeItIsRead() throws Exception {
    // Headers that declare a body over the limit, and not one byte of it: the answer must come
    // anyway, so the server did not wait to read (or hold) the body.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", admin.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("PUT /kv/s/k HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
          + (AdminServer.MAX_BODY_BYTES + 1) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      assertThat(status).startsWith("HTTP/1.1 413");
    }
    assertThat(send("PUT", "/kv/s/k", HttpRequest.BodyPublishers.ofString("v")).statusCode()).isEqualTo(200);
  }

  /**
   * Issue #24: the admin interface served writes, leave and remove to anyone. With a token set,
   * a request without it, or with another, is refused before anything is done.
   */
  @Test
  void withATokenEveryRequestMustCarryIt() throws Exception {
    String token = "0123456789abcdef-secret";
    try (AdminServer guarded = new AdminServer(Endpoint.of("127.0.0.1", 0), node, Optional.empty(), () -> { },
        Optional.of(token))) {
      java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + guarded.port() + "/kv/s/guarded");
      HttpRequest.Builder put = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString("v"));
      assertThat(http.send(put.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString("v"))
          .header("Authorization", "Bearer wrong").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      assertThat(node.store("s", Codec.utf8()).get("guarded").values()).isEmpty();
      assertThat(http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString("v"))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
    }
  }

  /** Issue #27: /metrics serves the counters and the latencies in the Prometheus text format. */
  @Test
  void metricsAreServedInThePrometheusTextFormat() throws Exception {
    node.store("carts", Codec.utf8()).put("alice", Context.EMPTY, "milk");
    node.store("carts", Codec.utf8()).get("alice");
    HttpResponse<String> metrics = send("GET", "/metrics", HttpRequest.BodyPublishers.noBody());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertParsesAsPrometheusText(metrics.body());
    String node0 = "node=\"" + node.id().value() + "\"";
    assertThat(metrics.body())
        .contains("# TYPE dynamokv_latency_seconds summary")
        .contains("dynamokv_latency_seconds{" + node0 + ",op=\"put\",store=\"carts\",quantile=\"0.99\"}")
        .contains("dynamokv_latency_seconds_count{" + node0 + ",op=\"get\",store=\"carts\"} 1")
        .contains("dynamokv_puts{" + node0 + "} ");
  }

  /** Issue #27: peers' reachability, suspicion and heartbeat age, and hints per target, as labelled gauges. */
  @Test
  void peersAndHintTargetsAreLabelledGauges() {
    io.dynamokv.NodeId b = io.dynamokv.NodeId.of("b");
    io.dynamokv.ClusterStatus status = new io.dynamokv.ClusterStatus(io.dynamokv.NodeId.of("a"), 3,
        java.util.Optional.empty(), 64, java.util.List.of(
            new io.dynamokv.ClusterStatus.Member(io.dynamokv.NodeId.of("a"), io.dynamokv.Endpoint.of("127.0.0.1", 1),
                "UP", true, 0, java.util.Optional.empty(), 32, 32),
            new io.dynamokv.ClusterStatus.Member(b, io.dynamokv.Endpoint.of("127.0.0.1", 2), "UP", false, 12.5,
                java.util.Optional.of(java.time.Duration.ofMillis(41_500)), 32, 32)),
        7, java.util.Map.of(b, new io.dynamokv.ClusterStatus.HintBacklog(7, 1234)), java.time.Duration.ZERO,
        java.util.List.of(), java.util.Optional.empty(), java.util.Optional.empty());
    String text = PrometheusText.render(status, java.util.Map.of("puts", 5L), java.util.Map.of());
    assertParsesAsPrometheusText(text);
    assertThat(text)
        .contains("dynamokv_peer_reachable{node=\"a\",peer=\"b\"} 0\n")
        .contains("dynamokv_peer_phi{node=\"a\",peer=\"b\"} 12.500\n")
        .contains("dynamokv_peer_heartbeat_age_seconds{node=\"a\",peer=\"b\"} 41.500000000\n")
        .contains("dynamokv_hints_held{node=\"a\",target=\"b\"} 7\n")
        .contains("dynamokv_hint_bytes_held{node=\"a\",target=\"b\"} 1234\n")
        .doesNotContain("peer=\"a\"");
  }

  /** Every line is a comment (# HELP / # TYPE) or a sample: name{labels} value. */
  private static void assertParsesAsPrometheusText(String text) {
    java.util.regex.Pattern sample = java.util.regex.Pattern.compile(
        "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\.)*\",?)*\\})? -?[0-9.eE+-]+");
    java.util.regex.Pattern comment = java.util.regex.Pattern.compile(
        "# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");
    for (String line : text.split("\n")) {
      assertThat(sample.matcher(line).matches() || comment.matcher(line).matches()).as("line: %s", line).isTrue();
    }
  }

  /** Issue #30, item 6: an operator drops a store through the admin interface. */
  @Test
  void aStoreIsDroppedWithDelete() throws Exception {
    assertThat(send("PUT", "/kv/temp/k", HttpRequest.BodyPublishers.ofString("v")).statusCode()).isEqualTo(200);
    assertThat(send("DELETE", "/stores/temp", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(200);
    assertThat(node.store("temp", Codec.utf8()).get("k").values()).isEmpty();
    assertThat(send("POST", "/stores/temp", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(400);
  }

  @Test
  void keysThatAreNotUtf8AreRefusedNotRewritten() throws Exception {
    assertThat(send("PUT", "/kv/s/%FF%FE", HttpRequest.BodyPublishers.ofString("one")).statusCode()).isEqualTo(400);
    assertThat(send("PUT", "/kv/s/%FE%FF", HttpRequest.BodyPublishers.ofString("two")).statusCode()).isEqualTo(400);
    assertThat(node.store("s", Codec.utf8()).get("\uFFFD\uFFFD").values()).isEmpty();
    assertThat(send("PUT", "/kv/s/caf%C3%A9", HttpRequest.BodyPublishers.ofString("ok")).statusCode()).isEqualTo(200);
    assertThat(node.store("s", Codec.utf8()).get("caf\u00E9").values()).containsExactly("ok");
  }

  @Test
  void aMalformedContextIsABadRequest() throws Exception {
    Context written = node.store("s", Codec.utf8()).put("k", Context.EMPTY, "v");
    assertThat(written).isNotNull();
    assertThat(send("PUT", "/kv/s/k", HttpRequest.BodyPublishers.ofString("w"), AdminServer.CONTEXT_HEADER, "AQID")
        .statusCode()).isEqualTo(400);
    assertThat(send("PUT", "/kv/s/k", HttpRequest.BodyPublishers.ofString("w"), AdminServer.CONTEXT_HEADER, "!!")
        .statusCode()).isEqualTo(400);
    assertThat(send("GET", "/kv/s/k?r=x", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(400);
  }

  /** Issue #30, item 8: four handler threads, so a few slow clients blocked the interface. */
  @Test
  void slowClientsDoNotHoldTheInterface() throws Exception {
    java.util.List<java.net.Socket> slow = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < AdminServer.HANDLER_THREADS + 4; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", admin.port());
        s.getOutputStream().write("PUT /kv/s/slow HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nab"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        slow.add(s); // and never the rest of the body
      }
      long start = System.nanoTime();
      HttpResponse<String> status = send("GET", "/status", HttpRequest.BodyPublishers.noBody());
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isLessThan(Duration.ofSeconds(AdminServer.REQUEST_DEADLINE_SECONDS + 10));
    } finally {
      for (java.net.Socket s : slow) {
        s.close();
      }
    }
  }
}
