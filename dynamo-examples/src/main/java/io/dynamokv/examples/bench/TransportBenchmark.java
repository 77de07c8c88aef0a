package io.dynamokv.examples.bench;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Endpoint;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import io.dynamokv.version.ActorId;
import io.dynamokv.version.VersionSet;
import io.dynamokv.wire.Frame;
import io.dynamokv.wire.FrameCodec;
import io.dynamokv.wire.Message;
import io.dynamokv.wire.ReplicaGet;
import io.dynamokv.wire.ReplicaGetReply;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Request/response over loopback, in one run: a plain Netty echo of length-prefixed frames (the
 * baseline), then {@link NettyTransport} sending a {@link ReplicaGet} and answering with a
 * {@link ReplicaGetReply} whose frames are the same size, each with 1 and with 64 requests in
 * flight on one connection. Prints ops/s, p50/p99/p99.9 and the ratio to the baseline.
 *
 * <p>Run: {@code mvn -B -q -DskipTests install && mvn -B -q -pl dynamo-examples exec:java
 * -Ddemo.main=io.dynamokv.examples.bench.TransportBenchmark -Dexec.args="--seconds 10"}.
 */
public final class TransportBenchmark {

  private final Duration duration;
  private final ReplicaGet request = new ReplicaGet("bench", new byte[100]);
  private final ReplicaGetReply reply;
  private final int frameBytes;

  private TransportBenchmark(Duration duration) {
    this.duration = duration;
    VersionSet set = VersionSet.EMPTY.put(VersionSet.EMPTY.context(), ActorId.of(NodeId.of("bench"), 1), new byte[70], 1);
    this.reply = new ReplicaGetReply(set);
    this.frameBytes = FrameCodec.encode(Frame.request(1, request)).length;
  }

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--seconds")) {
        seconds = Integer.parseInt(args[i + 1]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i] + " (expected: --seconds N)");
      }
    }
    new TransportBenchmark(Duration.ofSeconds(seconds)).run();
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "transport benchmark: request %d bytes, reply %d bytes, %s, %d cores, %s per phase%n",
        frameBytes, FrameCodec.encode(Frame.response(1, reply)).length, Epoll.isAvailable() ? "epoll" : "nio",
        Runtime.getRuntime().availableProcessors(), duration);
    List<LatencyReport> reports = new ArrayList<>();
    for (int inFlight : new int[] {1, 64}) {
      LatencyReport echo = echoBaseline(inFlight);
      LatencyReport transport = transport(inFlight);
      reports.add(echo);
      reports.add(transport);
      System.out.printf(Locale.ROOT, "  %d in flight: transport / echo = %.2f%n", inFlight,
          transport.opsPerSecond() / echo.opsPerSecond());
    }
    System.out.println();
    System.out.println(LatencyReport.header());
    reports.forEach(r -> System.out.println(r.row()));
    System.out.println();
    System.out.printf(Locale.ROOT, "transport / echo, 1 in flight  = %.2f%n", reports.get(1).opsPerSecond() / reports.get(0).opsPerSecond());
    System.out.printf(Locale.ROOT, "transport / echo, 64 in flight = %.2f (target >= 0.70)%n",
        reports.get(3).opsPerSecond() / reports.get(2).opsPerSecond());
  }

  /** Keeps {@code inFlight} requests outstanding, each issued as the previous one completes. */
  private LatencyReport closedLoop(String name, int inFlight, Supplier<CompletableFuture<?>> send) throws Exception {
    Histogram histogram = new Histogram(3);
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + duration.toNanos();
    CountDownLatch finished = new CountDownLatch(inFlight);
    System.out.printf(Locale.ROOT, "%s: %d in flight for %s%n", name, inFlight, duration);
    long start = System.nanoTime();
    for (int i = 0; i < inFlight; i++) {
      issue(send, histogram, done, end, finished);
    }
    long lastReport = start;
    long lastDone = 0;
    while (!finished.await(2, java.util.concurrent.TimeUnit.SECONDS)) {
      long now = System.nanoTime();
      long d = done.get();
      System.out.printf(Locale.ROOT, "  %s: %d ops (%.0f ops/s)%n", name, d, (d - lastDone) / ((now - lastReport) / 1e9));
      lastReport = now;
      lastDone = d;
    }
    long elapsed = System.nanoTime() - start;
    synchronized (histogram) {
      return new LatencyReport(name, done.get(), elapsed, histogram.copy());
    }
  }

  private static void issue(Supplier<CompletableFuture<?>> send, Histogram histogram, AtomicLong done, long end,
      CountDownLatch finished) {
    long t0 = System.nanoTime();
    if (t0 >= end) {
      finished.countDown();
      return;
    }
    send.get().whenComplete((r, e) -> {
      if (e != null) {
        System.err.println("request failed: " + e);
        finished.countDown();
        return;
      }
      long latency = System.nanoTime() - t0;
      synchronized (histogram) {
        histogram.recordValue(latency);
      }
      done.incrementAndGet();
      issue(send, histogram, done, end, finished);
    });
  }

  private LatencyReport transport(int inFlight) throws Exception {
    try (NettyTransport server = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).ioThreads(1).build());
         NettyTransport client = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).ioThreads(1).build())) {
      server.start(m -> CompletableFuture.completedFuture(reply));
      Endpoint peer = server.localEndpoint();
      Duration timeout = Duration.ofSeconds(10);
      client.request(peer, request, timeout).get(); // connect
      return closedLoop("NettyTransport request/reply", inFlight, () -> client.request(peer, request, timeout));
    }
  }

  /** Length-prefixed framing with flush consolidation, then a new {@code last}: both ends of the echo. */
  private static ChannelInitializer<SocketChannel> framed(Supplier<io.netty.channel.ChannelHandler> last) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new FlushConsolidationHandler(256, true),
            new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4), new LengthFieldPrepender(4), last.get());
      }
    };
  }

  /** The baseline: a Netty echo server and a client matching replies by arrival order. */
  private LatencyReport echoBaseline(int inFlight) throws Exception {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    java.util.concurrent.ConcurrentLinkedQueue<CompletableFuture<Void>> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
    try {
      Channel server = new ServerBootstrap().group(serverGroup)
          .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(framed(() -> new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
              ctx.writeAndFlush(msg.retain());
            }
          })).bind("127.0.0.1", 0).sync().channel();
      int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
      Channel client = new Bootstrap().group(clientGroup)
          .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(framed(() -> new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
              CompletableFuture<Void> f = waiting.poll();
              if (f != null) {
                f.complete(null);
              }
            }
          })).connect("127.0.0.1", port).sync().channel();
      byte[] payload = new byte[frameBytes];
      return closedLoop("plain Netty echo (baseline)", inFlight, () -> {
        CompletableFuture<Void> f = new CompletableFuture<>();
        // Order of queueing equals order on the wire, because both happen on the client's event loop.
        client.eventLoop().execute(() -> {
          waiting.add(f);
          client.writeAndFlush(client.alloc().buffer(payload.length).writeBytes(payload));
        });
        return f;
      });
    } finally {
      clientGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
      serverGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }
}
