package io.dynamokv.examples.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The network baseline: a plain Netty echo of frames of a given size, one connection. */
final class NettyEcho {

  private NettyEcho() {}

  static LatencyReport measure(String name, int frameBytes, int inFlight, Duration warmup, Duration duration)
      throws InterruptedException {
    Queue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();
    try (NettyLoopback net = new NettyLoopback(1, 1)) {
      int port = net.serve(() -> new SimpleChannelInboundHandler<ByteBuf>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
          ctx.writeAndFlush(msg.retain());
        }
      });
      Channel client = net.connect(port, new SimpleChannelInboundHandler<ByteBuf>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
          CompletableFuture<Void> f = waiting.poll();
          if (f != null) {
            f.complete(null);
          }
        }
      });
      byte[] payload = new byte[frameBytes];
      return ClosedLoop.run(name, inFlight, warmup, duration, () -> {
        CompletableFuture<Void> f = new CompletableFuture<>();
        // Queued in wire order: both happen on the client's event loop.
        client.eventLoop().execute(() -> {
          waiting.add(f);
          client.writeAndFlush(client.alloc().buffer(payload.length).writeBytes(payload));
        });
        return f;
      });
    }
  }
}
