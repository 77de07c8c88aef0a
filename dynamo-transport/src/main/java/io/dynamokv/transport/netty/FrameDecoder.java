package io.dynamokv.transport.netty;

import io.dynamokv.wire.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Cuts the byte stream into length-prefixed frames and decodes each with {@link FrameCodec}. A
 * length over the limit ({@code TooLongFrameException}) or bytes that do not decode
 * ({@code DecodeException}) reach {@code exceptionCaught}, where the connection is closed.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

  FrameDecoder(int maxFrameBytes) {
    // length field: 4 bytes at offset 0, stripped; fail as soon as a length is too long
    super(maxFrameBytes, 0, 4, 0, 4, true);
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      return FrameCodec.decode(ByteBufUtil.getBytes(frame));
    } finally {
      frame.release();
    }
  }
}
