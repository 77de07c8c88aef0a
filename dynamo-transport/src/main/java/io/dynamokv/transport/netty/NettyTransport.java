package io.dynamokv.transport.netty;

import io.dynamokv.Endpoint;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.RequestHandler;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.TransportClosedException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's {@link Transport} over TCP with Netty: one server per node, one multiplexed
 * connection per peer, length-prefixed {@code FrameCodec} frames, epoll where available.
 *
 * <pre>
 *   outgoing: [TLS] -&gt; flush consolidation -&gt; FrameDecoder / FrameEncoder -&gt; ClientHandler -&gt; PeerConnection
 *   incoming: [TLS] -&gt; flush consolidation -&gt; FrameDecoder / FrameEncoder -&gt; ServerHandler -&gt; request executor
 * </pre>
 *
 * <p>A frame over the limit, or one that does not decode, closes that connection only, with a
 * warning naming the peer; the node keeps serving others. Request handlers run on the request
 * executor, never on an I/O thread; request futures complete on I/O threads.
 *
 * <p>Lifecycle: create, {@link #start}, {@link #close} (idempotent: fails pending requests with
 * {@code TransportClosedException}, stops the threads it started). Thread-safe.
 */
public final class NettyTransport implements Transport {

  private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  static final AttributeKey<PeerConnection> PEER_CONNECTION = AttributeKey.valueOf("dynamo.peer");
  /** How long a connection may take to prove it holds the cluster's secret. */
  static final java.time.Duration HANDSHAKE_DEADLINE = java.time.Duration.ofSeconds(10);
  /** On an outbound TLS connection: the node the server's certificate proved it is. */
  static final io.netty.util.AttributeKey<io.dynamokv.spi.PeerIdentity> SERVER_IDENTITY =
      io.netty.util.AttributeKey.valueOf("dynamokv.serverIdentity");

  private final NettyTransportConfig config;
  private final EventLoops loops = EventLoops.best();
  private final EventLoopGroup group;
  private final Optional<TlsContexts> tls;
  private final Bootstrap client;
  private final HashedWheelTimer deadlines;
  private final ConcurrentHashMap<Endpoint, PeerConnection> peers = new ConcurrentHashMap<>();
  private final ChannelGroup accepted = new DefaultChannelGroup("accepted", GlobalEventExecutor.INSTANCE);
  private final String name;
  private final LongAdder bytesReceived = new LongAdder();
  private ExecutorService ownedExecutor;
  private volatile Channel server;
  private volatile boolean closed;

  private NettyTransport(NettyTransportConfig config) {
    this.config = config;
    this.name = "dynamo-net-" + INSTANCES.incrementAndGet();
    this.tls = config.tls().map(TlsContexts::of);
    this.group = loops.newGroup(config.ioThreads(), name + "-io");
    this.deadlines = new HashedWheelTimer(EventLoops.daemonThreads(name + "-deadlines"), 5, TimeUnit.MILLISECONDS);
    this.client = new Bootstrap()
        .group(group)
        .channel(loops.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(config.writeBufferLowBytes(), config.writeBufferHighBytes()))
        .handler(new ChannelInitializer<SocketChannel>() {
          private final ClientHandler handler = new ClientHandler();

          @Override
          protected void initChannel(SocketChannel ch) {
            ChannelPipeline p = ch.pipeline();
            tls.ifPresent(t -> {
              InetSocketAddress remote = ch.remoteAddress();
              p.addLast("tls", remote == null ? t.client().newHandler(ch.alloc())
                  : t.client().newHandler(ch.alloc(), remote.getHostString(), remote.getPort()));
            });
            // A node proves the cluster's secret; a client's transport without it, the clients'.
            config.clusterSecret().map(s -> SecretHandshake.connecting(s, false, HANDSHAKE_DEADLINE))
                .or(() -> config.clientSecret().map(s -> SecretHandshake.connecting(s, true, HANDSHAKE_DEADLINE)))
                .ifPresent(h -> p.addLast("secret", h));
            addFraming(p);
            p.addLast("client", handler);
          }
        });
  }

  /** Creates a transport; it serves nothing until {@link #start}, but can send requests at once. */
  public static NettyTransport create(NettyTransportConfig config) {
    return new NettyTransport(Objects.requireNonNull(config, "config"));
  }

  private void addFraming(ChannelPipeline p) {
    // Coalesces the flushes of many small replies into fewer syscalls.
    p.addLast("flush", new FlushConsolidationHandler(256, true));
    p.addLast("decoder", new FrameDecoder(config.maxFrameBytes(), bytesReceived));
    p.addLast("encoder", new FrameEncoder(config.maxFrameBytes()));
  }

  @Override
  public synchronized void start(RequestHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    if (server != null) {
      throw new IllegalStateException(name + " is already started on " + localEndpoint());
    }
    if (config.clientSecret().isPresent() && config.clusterSecret().isEmpty()) {
      throw new IllegalStateException(name + ": clientSecret without clusterSecret (expected: a node that lets clients "
          + "in by their secret proves the cluster's to other nodes)");
    }
    Executor executor = config.handlerExecutor().orElseGet(() -> {
      ownedExecutor = Executors.newFixedThreadPool(config.handlerThreads(), EventLoops.daemonThreads(name + "-handler"));
      return ownedExecutor;
    });
    Optional<SslContext> serverTls = tls.map(TlsContexts::server);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(loops.serverChannel())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(config.writeBufferLowBytes(), config.writeBufferHighBytes()))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (accepted.size() >= config.maxConnections()) {
              // A flood of connections is refused one by one; those already open go on.
              log.warn("{}: refusing the connection from {}: {} are open (maxConnections)", name, ch.remoteAddress(),
                  accepted.size());
              ch.close();
              return;
            }
            accepted.add(ch);
            ChannelPipeline p = ch.pipeline();
            serverTls.ifPresent(t -> p.addLast("tls", t.newHandler(ch.alloc())));
            config.clusterSecret().ifPresent(s -> p.addLast("secret",
                SecretHandshake.accepting(s, config.clientSecret(), HANDSHAKE_DEADLINE)));
            p.addLast("idle", new io.netty.handler.timeout.IdleStateHandler(0, 0, config.idleTimeout().toMillis(),
                TimeUnit.MILLISECONDS));
            addFraming(p);
            p.addLast("server", new ServerHandler(handler, executor, config.maxFrameBytes(),
                config.maxRequestsInFlight()));
          }
        });
    Endpoint bind = config.bind();
    // A node restarting on its port can find it still held for a moment by its previous run's
    // sockets; retry for a few seconds before giving up.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server == null) {
      try {
        server = bootstrap.bind(bind.host(), bind.port()).syncUninterruptibly().channel();
      } catch (RuntimeException e) {
        boolean busy = String.valueOf(e.getMessage()).contains("in use");
        if (!busy || bind.port() == 0 || System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot listen on " + bind + ": " + e, e);
        }
        log.info("{}: {} is still in use; retrying", name, bind);
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    log.info("{} listening on {} with {} ({})", name, localEndpoint(), loops.kind(), config);
  }

  /** {@code transport.bytes.received}: the bytes of every frame received, on every connection, lengths included. */
  @Override
  public Map<String, Long> metrics() {
    return Map.of("transport.bytes.received", bytesReceived.sum());
  }

  /** True with mutual TLS or a cluster secret. */
  @Override
  public boolean authenticatesPeers() {
    return tls.isPresent() || config.clusterSecret().isPresent();
  }

  @Override
  public Endpoint localEndpoint() {
    Channel s = server;
    if (s != null && s.localAddress() instanceof InetSocketAddress a) {
      return Endpoint.of(config.bind().host(), a.getPort());
    }
    return config.bind();
  }

  @Override
  public CompletableFuture<Message> request(Endpoint peer, Message request, Duration timeout) {
    try {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout : " + timeout + " (expected: > 0)");
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (closed) {
      return CompletableFuture.failedFuture(new TransportClosedException(peer));
    }
    PeerConnection connection = peers.computeIfAbsent(peer, p ->
        new PeerConnection(p, client, group.next(), deadlines, config.reconnectBackoffMin(), config.reconnectBackoffMax(),
            config.maxFrameBytes()));
    return connection.request(request, timeout);
  }

  /** Logs why a connection is closed for a protocol or TLS error, and closes it. */
  static void closeOnError(Channel ch, Throwable cause, String direction) {
    if (ch.isOpen()) {
      log.warn("closing the connection {} {}: {}", direction, ch.remoteAddress(), describe(cause));
      ch.close();
    }
  }

  private static String describe(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == cause ? cause.toString() : cause.getClass().getSimpleName() + ": " + root;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    peers.values().forEach(PeerConnection::close);
    Channel s = server;
    if (s != null) {
      s.close().syncUninterruptibly();
    }
    // Close the connections clients opened to us while the event loops still run, so each
    // client sees the close at once instead of writing into a dead connection.
    accepted.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    deadlines.stop();
    if (ownedExecutor != null) {
      try {
        if (!ownedExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
          ownedExecutor.shutdownNow();
        }
      } catch (InterruptedException e) {
        ownedExecutor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    log.info("{} closed", name);
  }

  /** Returns how many connections other nodes and clients have open to this one now. */
  int acceptedConnections() {
    return accepted.size();
  }

  /** Returns the prefix of the names of this transport's threads (for operators and tests). */
  public String threadNamePrefix() {
    return name;
  }

  @Override
  public String toString() {
    return "NettyTransport{" + localEndpoint() + ", " + loops.kind() + (closed ? ", closed" : "") + "}";
  }
}
