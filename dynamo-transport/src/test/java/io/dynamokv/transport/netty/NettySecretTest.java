package io.dynamokv.transport.netty;

import static io.dynamokv.transport.netty.NettyTransportContractTest.awaitFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.PeerIdentity;
import io.dynamokv.spi.TransportException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #24: without TLS, anyone who reached a node's port was served. With a cluster secret,
 * a connection carries frames only after both ends proved they hold it.
 */
class NettySecretTest {

  static {
    NettyLeakTracker.install();
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final byte[] SECRET = "the cluster's secret, 32 bytes.".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER = "another cluster's secret, too...".getBytes(StandardCharsets.UTF_8);
  private static final byte[] CLIENTS = "the secret this cluster's clients hold".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final List<NettyTransport> opened = new ArrayList<>();
  private final AtomicInteger served = new AtomicInteger();

  @AfterEach
  void closeAll() {
    opened.forEach(NettyTransport::close);
  }

  private NettyTransport node(byte[] secret, TlsConfig tls) {
    NettyTransportConfig.Builder b = NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).ioThreads(1);
    if (secret != null) {
      b.clusterSecret(secret);
    }
    if (tls != null) {
      b.tls(tls);
    }
    NettyTransport t = NettyTransport.create(b.build());
    opened.add(t);
    t.start(m -> {
      served.incrementAndGet();
      return CompletableFuture.completedFuture(new Pong(((Ping) m).nonce()));
    });
    return t;
  }

  @Test
  void nodesWithTheSecretTalk() {
    NettyTransport a = node(SECRET, null);
    NettyTransport b = node(SECRET, null);
    for (int i = 0; i < 50; i++) {
      assertThat(awaitFuture(a.request(b.localEndpoint(), new Ping(i), TIMEOUT))).isEqualTo(new Pong(i));
      assertThat(awaitFuture(b.request(a.localEndpoint(), new Ping(i), TIMEOUT))).isEqualTo(new Pong(i));
    }
  }

  @Test
  void anotherSecretOrNoneIsRefusedBothWays() {
    NettyTransport a = node(SECRET, null);
    NettyTransport stranger = node(OTHER, null);
    NettyTransport plain = node(null, null);
    assertFails(stranger, a.localEndpoint());
    assertFails(a, stranger.localEndpoint());
    assertFails(plain, a.localEndpoint());
    assertFails(a, plain.localEndpoint());
    assertThat(served).as("requests that reached a handler").hasValue(0);
  }

  @Test
  void theSecretWorksInsideTls() throws Exception {
    TestCertificates certs = new TestCertificates(dir);
    Path ca = certs.authority("ca");
    NettyTransport a = node(SECRET, certs.node("node-a", "ca", ca));
    NettyTransport b = node(SECRET, certs.node("node-b", "ca", ca));
    assertThat(awaitFuture(a.request(b.localEndpoint(), new Ping(7), TIMEOUT))).isEqualTo(new Pong(7));
    NettyTransport stranger = node(OTHER, certs.node("node-c", "ca", ca));
    assertFails(stranger, a.localEndpoint());
  }

  /**
   * Random and mutated handshakes from raw sockets (a fuzz, seeded by {@code -Dfuzz.seed}; 100 of
   * them, or {@code -Dfuzz.rounds}, 5,000 in the soak profile): each connection is closed without
   * a request served, and nodes with the secret go on talking.
   */
  @Test
  void garbageInPlaceOfAHandshakeClosesOnlyItsConnection() throws Exception {
    NettyTransport a = node(SECRET, null);
    NettyTransport b = node(SECRET, null);
    java.util.SplittableRandom random = new java.util.SplittableRandom(Long.getLong("fuzz.seed", 42));
    int rounds = Integer.getInteger("fuzz.rounds", 100);
    for (int i = 0; i < rounds; i++) {
      // Half of them a whole hello (the right magic and a nonce) followed by junk for a proof.
      byte[] junk = new byte[i % 2 == 0 ? random.nextInt(36, 200) : random.nextInt(4, 200)];
      random.nextBytes(junk);
      if (i % 2 == 0) {
        System.arraycopy(new byte[] {'D', 'K', 'V', '1'}, 0, junk, 0, 4);
      } else if (junk[0] == 'D') {
        junk[0] = 'X'; // not the magic
      }
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", a.localEndpoint().port())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(junk);
        socket.getOutputStream().flush();
        java.io.InputStream in = socket.getInputStream();
        // The server closes on junk at once; a well-formed hello gets its challenge (100 bytes)
        // and then a wait for a proof that cannot come (closed at the deadline): nothing else.
        int read = 0;
        try {
          while (read < 100 && in.read() >= 0) {
            read++;
          }
        } catch (java.net.SocketException reset) {
          // closed by the server with data unread: as good as an end of stream
        }
        assertThat(read).as("bytes answered to junk %d", i).isIn(0, 100);
      }
    }
    assertThat(served).hasValue(0);
    assertThat(awaitFuture(b.request(a.localEndpoint(), new Ping(1), TIMEOUT))).isEqualTo(new Pong(1));
  }

  /**
   * The clients' secret lets a connection in as a client, whom the node is told of (it serves a
   * client only requests to coordinate); the cluster's secret, as a node. A server that holds only
   * the clients' secret is no node: a node connects to it not at all.
   */
  @Test
  void theClientsSecretLetsInAClientOnly() {
    IdentityRecorder recorder = new IdentityRecorder();
    List<Optional<PeerIdentity>> seen = recorder.seen;
    NettyTransport node = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .ioThreads(1).clusterSecret(SECRET).clientSecret(CLIENTS).build());
    opened.add(node);
    node.start(recorder);
    NettyTransport client = transport(NettyTransportConfig.newClientBuilder().ioThreads(1).clientSecret(CLIENTS));
    assertThat(awaitFuture(client.request(node.localEndpoint(), new Ping(1), TIMEOUT))).isEqualTo(new Pong(1));
    assertThat(awaitFuture(node(SECRET, null).request(node.localEndpoint(), new Ping(2), TIMEOUT))).isEqualTo(new Pong(2));
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0)).hasValueSatisfying(p -> assertThat(p.node()).isFalse());
    assertThat(seen.get(1)).as("a node proved the cluster's secret").isEmpty();

    // The clients' secret of another cluster, or a node without one: refused.
    assertFails(transport(NettyTransportConfig.newClientBuilder().ioThreads(1).clientSecret(OTHER)), node.localEndpoint());
    assertFails(client, node(SECRET, null).localEndpoint());
    // An impostor that learned the clients' secret and listens as a server: nodes send it nothing.
    NettyTransport impostor = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .ioThreads(1).clusterSecret(OTHER).clientSecret(CLIENTS).build());
    opened.add(impostor);
    impostor.start(m -> {
      served.incrementAndGet();
      return CompletableFuture.completedFuture(new Pong(((Ping) m).nonce()));
    });
    assertFails(node(SECRET, null), impostor.localEndpoint());
    assertThat(served).hasValue(0);
    // A node needs the cluster's secret to let clients in by theirs.
    NettyTransport half = transport(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).clientSecret(CLIENTS));
    assertThatThrownBy(() -> half.start(m -> null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientSecret without clusterSecret");
  }

  private NettyTransport transport(NettyTransportConfig.Builder config) {
    NettyTransport t = NettyTransport.create(config.build());
    opened.add(t);
    return t;
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).clusterSecret(new byte[15]))
        .hasMessageContaining("clusterSecret : 15 bytes (expected: at least 16)");
  }

  private static void assertFails(NettyTransport from, Endpoint to) {
    CompletableFuture<?> f = from.request(to, new Ping(1), Duration.ofSeconds(3));
    assertThatThrownBy(() -> awaitFuture(f)).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(TransportException.class);
  }
}
