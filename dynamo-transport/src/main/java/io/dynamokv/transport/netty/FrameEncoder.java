package io.dynamokv.transport.netty;

import io.dynamokv.wire.ByteWriter;
import io.dynamokv.wire.Frame;
import io.dynamokv.wire.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link Frame} as a 4-byte big-endian length and the {@link FrameCodec} bytes, into a
 * pooled buffer. A frame over the limit fails its write instead of reaching the peer, which
 * would close the connection for everyone on it.
 */
final class FrameEncoder extends MessageToByteEncoder<Frame> {

  private final int maxFrameBytes;

  FrameEncoder(int maxFrameBytes) {
    super(Frame.class);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
    ByteWriter writer = new ByteWriter(256);
    FrameCodec.encode(frame, writer);
    byte[] bytes = writer.toByteArray();
    if (bytes.length > maxFrameBytes) {
      throw new EncoderException("frame of " + bytes.length + " bytes (expected: <= maxFrameBytes = "
          + maxFrameBytes + ") for " + frame.message().type());
    }
    out.writeInt(bytes.length);
    out.writeBytes(bytes);
  }
}
