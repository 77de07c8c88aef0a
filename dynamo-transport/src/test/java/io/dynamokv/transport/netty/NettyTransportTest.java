package io.dynamokv.transport.netty;

import static io.dynamokv.transport.netty.NettyTransportContractTest.awaitFuture;
import static io.dynamokv.transport.netty.NettyTransportContractTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Frame;
import io.dynamokv.internal.wire.FrameCodec;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.internal.wire.ReplicaPut;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.PeerBusyException;
import io.dynamokv.spi.RemoteFailureException;
import io.dynamokv.spi.RequestHandler;
import io.dynamokv.spi.version.VersionSet;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad frames close only their connection; a slow peer gets backpressure; close leaves nothing behind. */
class NettyTransportTest {

  static {
    NettyLeakTracker.install();
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_FRAME = 64 * 1024;

  private final AtomicInteger served = new AtomicInteger();
  private NettyTransport server;
  private NettyTransport client;

  private final RequestHandler echo = m -> {
    served.incrementAndGet();
    return CompletableFuture.completedFuture(m instanceof Ping p ? new Pong(p.nonce()) : new Ack());
  };

  @BeforeEach
  void start() {
    server = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .maxFrameBytes(MAX_FRAME).ioThreads(1).build());
    server.start(echo);
    client = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .maxFrameBytes(MAX_FRAME).ioThreads(1).build());
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private void normalTrafficWorks(int requests) {
    List<CompletableFuture<Message>> replies = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      replies.add(client.request(server.localEndpoint(), new Ping(i), TIMEOUT));
    }
    for (int i = 0; i < requests; i++) {
      assertThat(awaitFuture(replies.get(i))).isEqualTo(new Pong(i));
    }
  }

  /** Sends {@code bytes} on a raw socket and returns whether the server closed it. */
  private boolean serverClosesAfter(byte[] bytes) throws Exception {
    try (Socket raw = new Socket("127.0.0.1", server.localEndpoint().port())) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write(bytes);
      raw.getOutputStream().flush();
      normalTrafficWorks(50); // other connections keep being served meanwhile
      InputStream in = raw.getInputStream();
      try {
        return in.read() == -1;
      } catch (java.net.SocketException e) {
        // Closed with our unread bytes still in its buffer, the server's TCP sends a reset.
        return e.getMessage() != null && e.getMessage().contains("reset");
      }
    }
  }

  @Test
  void eachSideCountsTheBytesOfTheFramesItReceived() {
    assertThat(server.metrics()).containsOnlyKeys("transport.bytes.received").containsEntry("transport.bytes.received", 0L);
    normalTrafficWorks(10);
    // A ping's frame: a 4-byte length, version, flags, type, a one-byte request id and an 8-byte
    // nonce; a pong's adds a byte saying it names no node.
    byte[] ping = io.dynamokv.internal.wire.FrameCodec.encode(new io.dynamokv.internal.wire.Frame(1, false, new Ping(0)));
    assertThat(server.metrics().get("transport.bytes.received")).isEqualTo(10L * (4 + ping.length));
    assertThat(client.metrics().get("transport.bytes.received")).isEqualTo(10L * (4 + ping.length + 1));
  }

  @Test
  void garbageClosesOnlyItsConnection() throws Exception {
    normalTrafficWorks(10);
    byte[] garbage = new byte[4096];
    new Random(1).nextBytes(garbage);
    garbage[0] = 0; // a plausible length prefix, then nonsense
    garbage[1] = 0;
    garbage[2] = 0;
    garbage[3] = 100;
    assertThat(serverClosesAfter(garbage)).isTrue();
    normalTrafficWorks(100);
  }

  @Test
  void aFrameOverTheLimitClosesOnlyItsConnection() throws Exception {
    DataOutputStreamBytes out = new DataOutputStreamBytes();
    out.data.writeInt(MAX_FRAME + 1);
    out.data.write(new byte[100]);
    assertThat(serverClosesAfter(out.bytes())).isTrue();
    normalTrafficWorks(100);
  }

  @Test
  void anUnknownMessageTypeClosesOnlyItsConnection() throws Exception {
    byte[] frame = FrameCodec.encode(Frame.request(1, new Ping(1)));
    frame[2] = (byte) 222; // no such type
    DataOutputStreamBytes out = new DataOutputStreamBytes();
    out.data.writeInt(frame.length);
    out.data.write(frame);
    assertThat(serverClosesAfter(out.bytes())).isTrue();
    normalTrafficWorks(100);
  }

  @Test
  void aRequestOverTheLimitFailsAloneWithTheSizes() {
    ReplicaPut huge = new ReplicaPut("s", new byte[] {1},
        VersionSet.EMPTY.put(VersionSet.EMPTY.context(), io.dynamokv.spi.version.ActorId.of(io.dynamokv.NodeId.of("a"), 1),
            new byte[MAX_FRAME * 2], 1), Optional.empty());
    CompletableFuture<Message> f = client.request(server.localEndpoint(), huge, TIMEOUT);
    assertThatThrownBy(() -> awaitFuture(f)).isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: <= maxFrameBytes = " + MAX_FRAME);
    normalTrafficWorks(100);
  }

  /**
   * A reply too large for a frame fails its own request, as a remote failure naming the limit,
   * instead of breaking the connection (and every other request on it).
   */
  @Test
  void aReplyOverTheLimitFailsOnlyItsRequest() {
    ReplicaPut huge = new ReplicaPut("s", new byte[] {1},
        VersionSet.EMPTY.put(VersionSet.EMPTY.context(), io.dynamokv.spi.version.ActorId.of(io.dynamokv.NodeId.of("a"), 1),
            new byte[MAX_FRAME * 2], 1), Optional.empty());
    NettyTransport large = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .maxFrameBytes(MAX_FRAME).ioThreads(1).build());
    large.start(m -> CompletableFuture.completedFuture(
        m instanceof Ping p ? (p.nonce() == 7 ? huge : new Pong(p.nonce())) : new Ack()));
    try {
      List<CompletableFuture<Message>> replies = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        replies.add(client.request(large.localEndpoint(), new Ping(i), TIMEOUT));
      }
      for (int i = 0; i < 20; i++) {
        CompletableFuture<Message> f = replies.get(i);
        if (i == 7) {
          assertThatThrownBy(() -> awaitFuture(f)).isInstanceOf(CompletionException.class)
              .hasCauseInstanceOf(RemoteFailureException.class)
              .hasMessageContaining("expected: <= maxFrameBytes = " + MAX_FRAME);
        } else {
          assertThat(awaitFuture(f)).isEqualTo(new Pong(i));
        }
      }
    } finally {
      large.close();
    }
  }

  /** A reply to a Ping whose frame is {@code frameBytes} long, exactly. */
  private static ReplicaGetReply replyOfFrameSize(int frameBytes) {
    io.dynamokv.spi.version.ActorId actor = io.dynamokv.spi.version.ActorId.of(io.dynamokv.NodeId.of("a"), 1);
    java.util.function.IntFunction<ReplicaGetReply> withValue = n -> new ReplicaGetReply(
        VersionSet.EMPTY.put(VersionSet.EMPTY.context(), actor, new byte[n], 1));
    io.dynamokv.spi.version.ByteWriter scratch = new io.dynamokv.spi.version.ByteWriter(1024);
    // The frame grows byte for byte with the value, but for the varint of the value's length:
    // adjust until the size is exact.
    int valueBytes = frameBytes;
    for (int attempt = 0; attempt < 4; attempt++) {
      ReplicaGetReply reply = withValue.apply(valueBytes);
      int size = FrameBurst.encode(scratch, Frame.response(1, reply), Integer.MAX_VALUE);
      if (size == frameBytes) {
        return reply;
      }
      valueBytes += frameBytes - size;
    }
    throw new AssertionError("no reply of exactly " + frameBytes + " bytes");
  }

  /**
   * Issue #30, item 1: the sender allowed frames of up to maxFrameBytes, but the receiver
   * counted the length field in its limit, so a reply of exactly the limit closed the connection
   * (and a read through it saw nothing). One limit on both sides: limit - 1 and limit pass,
   * limit + 1 fails its own request only.
   */
  @Test
  void repliesUpToTheFrameLimitPassAndOneByteMoreFailsAlone() {
    Map<Long, Message> replies = Map.of(1L, replyOfFrameSize(MAX_FRAME - 1), 2L, replyOfFrameSize(MAX_FRAME),
        3L, replyOfFrameSize(MAX_FRAME + 1));
    NettyTransport sized = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .maxFrameBytes(MAX_FRAME).ioThreads(1).build());
    sized.start(m -> CompletableFuture.completedFuture(m instanceof Ping p ? replies.get(p.nonce()) : new Ack()));
    try {
      assertThat(awaitFuture(client.request(sized.localEndpoint(), new Ping(1), TIMEOUT))).isEqualTo(replies.get(1L));
      assertThat(awaitFuture(client.request(sized.localEndpoint(), new Ping(2), TIMEOUT))).isEqualTo(replies.get(2L));
      CompletableFuture<Message> over = client.request(sized.localEndpoint(), new Ping(3), TIMEOUT);
      assertThatThrownBy(() -> awaitFuture(over)).hasCauseInstanceOf(RemoteFailureException.class)
          .hasMessageContaining((MAX_FRAME + 1) + " bytes (expected: <= maxFrameBytes = " + MAX_FRAME + ")");
      // The connection survived all three.
      assertThat(awaitFuture(client.request(sized.localEndpoint(), new Ping(2), TIMEOUT))).isEqualTo(replies.get(2L));
    } finally {
      sized.close();
    }
  }

  /** A peer that accepts but never reads: requests fail clearly instead of queueing without bound. */
  @Test
  void aPeerThatDoesNotReadGetsBackpressureNotUnboundedMemory() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Endpoint peer = Endpoint.of("127.0.0.1", silent.getLocalPort());
      ReplicaPut big = new ReplicaPut("s", new byte[] {1},
          VersionSet.EMPTY.put(VersionSet.EMPTY.context(), io.dynamokv.spi.version.ActorId.of(io.dynamokv.NodeId.of("a"), 1),
              new byte[60_000], 1), Optional.empty());
      List<CompletableFuture<Message>> sent = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        sent.add(client.request(peer, big, Duration.ofSeconds(60)));
      }
      // 2000 requests of 60 KB would be 120 MB; the socket buffers and the 1 MiB high watermark
      // take a few MB, and every request past that must be refused, not queued.
      awaitTrue(() -> refused(sent) >= 1600, Duration.ofSeconds(30));
      Throwable cause = sent.stream().filter(CompletableFuture::isCompletedExceptionally).findFirst()
          .map(f -> f.handle((m, t) -> t).join()).orElseThrow();
      assertThat(cause).isInstanceOf(PeerBusyException.class).hasMessageContaining("outbound buffer full");
    }
  }

  /**
   * Issue #30, item 4: the default value limit (1 MiB) equalled the connection's high-water mark,
   * so one maximum-size write made the connection "full", the next write to the peer failed at
   * once, and the coordinator believed the peer down. With the defaults, a few maximum-size
   * writes in a row pass; a full connection is reported as busy, not unreachable.
   */
  @Test
  void maximumSizeValuesInARowPassWithTheDefaults() {
    NettyTransport receiver = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .ioThreads(1).build());
    receiver.start(echo);
    NettyTransport defaults = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .ioThreads(1).build());
    try {
      ReplicaPut max = new ReplicaPut("s", new byte[] {1},
          VersionSet.EMPTY.put(VersionSet.EMPTY.context(), io.dynamokv.spi.version.ActorId.of(io.dynamokv.NodeId.of("a"), 1),
              new byte[1 << 20], 1), Optional.empty());
      List<CompletableFuture<Message>> sent = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        sent.add(defaults.request(receiver.localEndpoint(), max, TIMEOUT));
      }
      for (CompletableFuture<Message> f : sent) {
        assertThat(awaitFuture(f)).isEqualTo(new Ack());
      }
    } finally {
      defaults.close();
      receiver.close();
    }
  }

  private static long refused(List<CompletableFuture<Message>> sent) {
    return sent.stream().filter(CompletableFuture::isCompletedExceptionally).count();
  }

  /**
   * A request the handler serves without blocking runs on the I/O thread that decoded it (no
   * hand-off); every other request runs on the request executor, never on an I/O thread.
   */
  @Test
  void onlyRequestsServedWithoutBlockingRunOnTheIoThread() {
    java.util.Map<Class<?>, java.util.Set<String>> threads = new java.util.concurrent.ConcurrentHashMap<>();
    RequestHandler handler = new RequestHandler() {
      @Override
      public CompletableFuture<Message> handle(Message m) {
        threads.computeIfAbsent(m.getClass(), c -> java.util.concurrent.ConcurrentHashMap.newKeySet())
            .add(Thread.currentThread().getName());
        return echo.handle(m);
      }

      @Override
      public boolean servesWithoutBlocking(Message m) {
        return m instanceof Ping;
      }
    };
    try (NettyTransport inline = oneThreadEach(handler)) {
      List<CompletableFuture<Message>> replies = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        replies.add(client.request(inline.localEndpoint(), new Ping(i), TIMEOUT));
        replies.add(client.request(inline.localEndpoint(), new Ack(), TIMEOUT));
      }
      for (int i = 0; i < replies.size(); i++) {
        assertThat(awaitFuture(replies.get(i))).isEqualTo(i % 2 == 0 ? new Pong(i / 2) : new Ack());
      }
      String prefix = inline.threadNamePrefix();
      assertThat(threads.get(Ping.class)).isNotEmpty().allMatch(t -> t.startsWith(prefix + "-io"));
      assertThat(threads.get(Ack.class)).isNotEmpty().allMatch(t -> t.startsWith(prefix + "-handler"));
    }
  }

  /**
   * A handler that learns only by trying whether it can serve a request without blocking
   * ({@link RequestHandler#handleWithoutBlocking}): what it serves is answered from the I/O
   * thread, with its reply; what it declines goes to the request executor, once.
   */
  @Test
  void whatTheHandlerServesWithoutBlockingIsAnsweredFromTheIoThreadAndTheRestOnTheExecutor() {
    java.util.Map<Long, String> servedOn = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.atomic.AtomicInteger handled = new java.util.concurrent.atomic.AtomicInteger();
    RequestHandler handler = new RequestHandler() {
      @Override
      public CompletableFuture<Message> handle(Message m) {
        handled.incrementAndGet();
        servedOn.put(((Ping) m).nonce(), Thread.currentThread().getName());
        return CompletableFuture.completedFuture(new Pong(((Ping) m).nonce()));
      }

      @Override
      public java.util.Optional<CompletableFuture<Message>> handleWithoutBlocking(Message m,
          java.util.Optional<io.dynamokv.spi.PeerIdentity> peer) {
        long nonce = ((Ping) m).nonce();
        if (nonce % 2 == 1) {
          return java.util.Optional.empty();
        }
        servedOn.put(nonce, Thread.currentThread().getName());
        return java.util.Optional.of(CompletableFuture.completedFuture(new Pong(-nonce)));
      }
    };
    try (NettyTransport inline = oneThreadEach(handler)) {
      List<CompletableFuture<Message>> replies = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        replies.add(client.request(inline.localEndpoint(), new Ping(i), TIMEOUT));
      }
      for (int i = 0; i < replies.size(); i++) {
        assertThat(awaitFuture(replies.get(i))).as("reply %d", i).isEqualTo(new Pong(i % 2 == 0 ? -i : i));
      }
      String prefix = inline.threadNamePrefix();
      for (long i = 0; i < 40; i++) {
        assertThat(servedOn.get(i)).as("ping %d", i).startsWith(prefix + (i % 2 == 0 ? "-io" : "-handler"));
      }
      assertThat(handled.get()).as("requests handed to the executor").isEqualTo(20);
    }
  }

  /** A server on one I/O thread and one request thread, serving with {@code handler}. */
  private static NettyTransport oneThreadEach(RequestHandler handler) {
    NettyTransport server = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0))
        .ioThreads(1).handlerThreads(1).build());
    server.start(handler);
    return server;
  }

  @Test
  void closeStopsEveryThreadItStarted() {
    normalTrafficWorks(10);
    String clientThreads = client.threadNamePrefix();
    String serverThreads = server.threadNamePrefix();
    client.close();
    server.close();
    awaitTrue(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && (t.getName().startsWith(clientThreads + "-") || t.getName().startsWith(serverThreads + "-"))),
        Duration.ofSeconds(10));
  }

  @AfterAll
  static void noBufferLeaked() {
    assertThat(NettyLeakTracker.collectLeaks()).isEmpty();
  }

  private static final class DataOutputStreamBytes {
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    final DataOutputStream data = new DataOutputStream(bytes);

    byte[] bytes() {
      return bytes.toByteArray();
    }
  }
}
