package io.dynamokv.transport.netty;

import static io.dynamokv.transport.netty.NettyTransportContractTest.awaitFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.PeerIdentity;
import io.dynamokv.spi.PeerUnreachableException;
import io.dynamokv.spi.TransportException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS: nodes with certificates from the cluster's CA talk; anyone else cannot. */
class NettyTlsTest {

  static {
    NettyLeakTracker.install();
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private static TlsConfig nodeA;
  private static TlsConfig nodeB;
  private static TlsConfig rogue;
  private static TlsConfig app;

  private final List<NettyTransport> opened = new ArrayList<>();
  private final AtomicInteger served = new AtomicInteger();

  @BeforeAll
  static void makeCertificates() throws Exception {
    TestCertificates certs = new TestCertificates(dir);
    Path clusterCa = certs.authority("cluster-ca");
    Path otherCa = certs.authority("other-ca");
    nodeA = certs.node("node-a", "cluster-ca", clusterCa);
    nodeB = certs.node("node-b", "cluster-ca", clusterCa);
    // Signed by a CA the cluster does not trust; it trusts the cluster's CA itself, so only the
    // cluster's refusal can stop it.
    rogue = certs.node("rogue", "other-ca", clusterCa);
    app = certs.client("app-1", "cluster-ca", clusterCa);
  }

  @AfterEach
  void closeAll() {
    opened.forEach(NettyTransport::close);
  }

  private NettyTransport node(TlsConfig tls, boolean serve) {
    NettyTransportConfig.Builder b = NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).ioThreads(1);
    if (tls != null) {
      b.tls(tls);
    }
    NettyTransport t = NettyTransport.create(b.build());
    opened.add(t);
    if (serve) {
      t.start(m -> {
        served.incrementAndGet();
        Message request = m instanceof Addressed a ? a.message() : m;
        return CompletableFuture.completedFuture(new Pong(((Ping) request).nonce()));
      });
    }
    return t;
  }

  @Test
  void nodesWithClusterCertificatesTalk() {
    NettyTransport a = node(nodeA, true);
    NettyTransport b = node(nodeB, true);
    for (int i = 0; i < 50; i++) {
      assertThat(awaitFuture(a.request(b.localEndpoint(), new Ping(i), TIMEOUT))).isEqualTo(new Pong(i));
      assertThat(awaitFuture(b.request(a.localEndpoint(), new Ping(i), TIMEOUT))).isEqualTo(new Pong(i));
    }
  }

  @Test
  void aNodeWithAnUntrustedCertificateCannotTalkToTheCluster() {
    NettyTransport a = node(nodeA, true);
    NettyTransport intruder = node(rogue, true);
    assertFails(intruder, a.localEndpoint());
    assertFails(a, intruder.localEndpoint());
    assertThat(served).as("requests that reached a handler").hasValue(0);
  }

  @Test
  void aNodeWithoutTlsCannotTalkToTheCluster() {
    NettyTransport a = node(nodeA, true);
    NettyTransport plain = node(null, false);
    assertFails(plain, a.localEndpoint());
    assertThat(served).hasValue(0);
  }

  /** Issue #30, item 7: a certificate proves which node, or which client, sent a request. */
  @Test
  void theServerIsToldWhoTheCertificateSaysTheClientIs() {
    IdentityRecorder recorder = new IdentityRecorder();
    List<Optional<PeerIdentity>> seen = recorder.seen;
    NettyTransport b = node(nodeB, false);
    b.start(recorder);
    awaitFuture(node(nodeA, false).request(b.localEndpoint(), new Ping(1), TIMEOUT));
    awaitFuture(node(app, false).request(b.localEndpoint(), new Ping(2), TIMEOUT));
    assertThat(seen).containsExactly(Optional.of(PeerIdentity.node("node-a")), Optional.of(PeerIdentity.client("app-1")));
  }

  /**
   * A request addressed to one node is not sent to a server whose certificate names another (a
   * node now at that address, or a CA-signed impostor): it must not see the request, nor answer it.
   */
  @Test
  void aRequestForOneNodeIsNotSentToAServerCertifiedAsAnother() {
    NettyTransport a = node(nodeA, false);
    NettyTransport b = node(nodeB, true);
    Addressed forC = new Addressed(NodeId.of("node-c"), new Ping(1));
    assertThatThrownBy(() -> awaitFuture(a.request(b.localEndpoint(), forC, TIMEOUT)))
        .hasCauseInstanceOf(PeerUnreachableException.class)
        .hasMessageContaining("is node-b by its certificate, not node-c");
    assertThat(served).hasValue(0);
    assertThat(awaitFuture(a.request(b.localEndpoint(), new Addressed(NodeId.of("node-b"), new Ping(2)), TIMEOUT)))
        .isEqualTo(new Pong(2));
  }

  /** A server that presents a client's certificate is not a node: nodes send it nothing. */
  @Test
  void aServerWithAClientsCertificateIsRefused() {
    NettyTransport impostor = node(app, true);
    assertFails(node(nodeA, false), impostor.localEndpoint());
    assertThat(served).hasValue(0);
  }

  private static void assertFails(NettyTransport from, Endpoint to) {
    CompletableFuture<?> f = from.request(to, new Ping(1), Duration.ofSeconds(3));
    assertThatThrownBy(() -> awaitFuture(f)).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(TransportException.class);
  }

  @Test
  void missingFilesAreNamed() {
    assertThatThrownBy(() -> new TlsConfig(dir.resolve("nope.crt"), nodeA.privateKey(), nodeA.trustedCertificates()))
        .hasMessageContaining("nope.crt").hasMessageContaining("does not exist");
  }

  @AfterAll
  static void noBufferLeaked() {
    assertThat(NettyLeakTracker.collectLeaks()).isEmpty();
  }
}
