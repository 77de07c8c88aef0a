package io.dynamokv.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.spi.Message;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #24 (resource limits on the node port): a flood of connections, or of requests on one
 * connection, is held off at the node's limits instead of taking its memory.
 */
class NettyPortLimitsTest {

  static {
    NettyLeakTracker.install();
  }

  private final List<NettyTransport> opened = new ArrayList<>();

  @AfterEach
  void closeAll() {
    opened.forEach(NettyTransport::close);
  }

  private NettyTransport server(NettyTransportConfig.Builder config, io.dynamokv.spi.RequestHandler handler) {
    NettyTransport t = NettyTransport.create(config.ioThreads(1).build());
    opened.add(t);
    t.start(handler);
    return t;
  }

  /** Whether the server closed {@code socket} (end of stream) rather than leaving it open. */
  private static boolean closedByServer(Socket socket) throws Exception {
    socket.setSoTimeout(300);
    InputStream in = socket.getInputStream();
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  @Test
  void connectionsPastTheLimitAreClosedAndTheOthersStay() throws Exception {
    NettyTransport server = server(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).maxConnections(2),
        m -> CompletableFuture.completedFuture(new Ack()));
    int port = server.localEndpoint().port();
    try (Socket a = new Socket("127.0.0.1", port); Socket b = new Socket("127.0.0.1", port)) {
      // A third connection is closed once the server has registered the first two.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean refused = false;
      while (!refused && System.nanoTime() < until) {
        try (Socket c = new Socket("127.0.0.1", port)) {
          refused = closedByServer(c);
        }
      }
      assertThat(refused).as("a third connection closed by the server").isTrue();
      assertThat(closedByServer(a)).isFalse();
      assertThat(closedByServer(b)).isFalse();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean admitted = false;
    while (!admitted && System.nanoTime() < deadline) { // once the server has seen the two close
      try (Socket d = new Socket("127.0.0.1", port)) {
        admitted = !closedByServer(d);
      }
    }
    assertThat(admitted).as("a connection after the others closed").isTrue();
  }

  /** A connection opened and left silent is closed after the idle timeout; one in use is not. */
  @Test
  void anIdleConnectionIsClosedAndABusyOneStays() throws Exception {
    NettyTransport server = server(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .idleTimeout(java.time.Duration.ofMillis(1500)), m -> CompletableFuture.completedFuture(new Ack()));
    NettyTransport busy = NettyTransport.create(NettyTransportConfig.newClientBuilder().ioThreads(1).build());
    opened.add(busy);
    try (Socket idle = new Socket("127.0.0.1", server.localEndpoint().port())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        // Pings every 400 ms or so keep the transport's own connection in use meanwhile.
        busy.request(server.localEndpoint(), new io.dynamokv.internal.wire.Ping(1), java.time.Duration.ofSeconds(5))
            .get(5, TimeUnit.SECONDS);
        closed = closedByServer(idle) || idle.isClosed();
        Thread.sleep(100);
      }
      assertThat(closed).as("the idle connection closed by the server").isTrue();
    }
    assertThat(server.acceptedConnections()).as("the busy connection").isEqualTo(1);
  }

  @Test
  void aConnectionWithTooManyRequestsInFlightIsNotReadUntilSomeAreAnswered() throws Exception {
    Queue<CompletableFuture<Message>> unanswered = new ConcurrentLinkedQueue<>();
    AtomicInteger handled = new AtomicInteger();
    NettyTransport server = server(
        NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).maxRequestsInFlight(8),
        m -> {
          handled.incrementAndGet();
          CompletableFuture<Message> later = new CompletableFuture<>();
          unanswered.add(later);
          return later;
        });
    NettyTransport client = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .ioThreads(1).writeBufferWatermarks(8 << 20, 16 << 20).build());
    opened.add(client);
    int sent = 2000;
    byte[] key = new byte[1000];
    List<CompletableFuture<Message>> replies = new ArrayList<>();
    for (int i = 0; i < sent; i++) {
      key[0] = (byte) i;
      replies.add(client.request(server.localEndpoint(), new ReplicaGet("s", key.clone()), Duration.ofSeconds(30)));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (handled.get() < 8 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    // That the node stopped reading shows only as nothing more arriving: watch for a while.
    long watchUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (System.nanoTime() < watchUntil) {
      assertThat(handled.get()).as("requests the server took in while none was answered").isBetween(8, 500);
      Thread.sleep(10);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (handled.get() < sent && System.nanoTime() < deadline) {
      for (CompletableFuture<Message> f; (f = unanswered.poll()) != null; ) {
        f.complete(new Ack());
      }
      Thread.sleep(5);
    }
    unanswered.forEach(f -> f.complete(new Ack()));
    assertThat(handled).hasValue(sent);
    for (CompletableFuture<Message> r : replies) {
      assertThat(r.get(20, TimeUnit.SECONDS)).isEqualTo(new Ack());
    }
  }
}
