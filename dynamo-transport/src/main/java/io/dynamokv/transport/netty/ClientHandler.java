package io.dynamokv.transport.netty;

import io.dynamokv.internal.wire.Frame;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands the responses on outgoing connections to their {@link PeerConnection}. Shared. */
@ChannelHandler.Sharable
final class ClientHandler extends SimpleChannelInboundHandler<Frame> {

  private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
    PeerConnection connection = ctx.channel().attr(NettyTransport.PEER_CONNECTION).get();
    if (!frame.response() || connection == null) {
      log.warn("closing the connection to {}: it sent a request frame to the client side", ctx.channel().remoteAddress());
      ctx.channel().close();
      return;
    }
    connection.onResponse(frame);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    NettyTransport.closeOnError(ctx.channel(), cause, "to");
  }
}
