package io.dynamokv.examples.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Plain Netty on loopback for the baselines: length-prefixed frames, TCP_NODELAY, flush
 * consolidation, epoll where available: what the library's transport does, minus the library.
 */
final class NettyLoopback implements AutoCloseable {

  private final boolean epoll = Epoll.isAvailable();
  private final EventLoopGroup servers;
  private final EventLoopGroup clients;

  NettyLoopback(int serverThreads, int clientThreads) {
    servers = new MultiThreadIoEventLoopGroup(serverThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    clients = new MultiThreadIoEventLoopGroup(clientThreads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** Starts a server on a free port whose pipeline ends with a new {@code handler}; returns its port. */
  int serve(Supplier<ChannelHandler> handler) throws InterruptedException {
    return serve(0, handler);
  }

  /** Starts a server on {@code port} (0: a free one) whose pipeline ends with a new {@code handler}; returns its port. */
  int serve(int port, Supplier<ChannelHandler> handler) throws InterruptedException {
    Channel server = new ServerBootstrap().group(servers)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(framed(handler)).bind("127.0.0.1", port).sync().channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connects to {@code port}; the pipeline ends with {@code handler}. */
  Channel connect(int port, ChannelHandler handler) throws InterruptedException {
    return new Bootstrap().group(clients)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(framed(() -> handler)).connect("127.0.0.1", port).sync().channel();
  }

  private static ChannelInitializer<SocketChannel> framed(Supplier<ChannelHandler> last) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(new FlushConsolidationHandler(256, true),
            new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4), new LengthFieldPrepender(4), last.get());
      }
    };
  }

  @Override
  public void close() throws InterruptedException {
    clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    servers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }
}
