package io.dynamokv.transport.netty;

import io.dynamokv.internal.wire.Frame;
import io.dynamokv.spi.version.ByteWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link Frame} as a 4-byte big-endian length and the
 * {@link io.dynamokv.internal.wire.FrameCodec} bytes, into a pooled buffer. A frame over the limit fails its write instead of reaching the peer, which
 * would close the connection for everyone on it.
 */
final class FrameEncoder extends MessageToByteEncoder<Frame> {

  private static final int KEEP_BUFFER_BYTES = 64 << 10;

  private final int maxFrameBytes;
  // One encoder per channel, called on its event loop only: the writer is reused for every frame
  // (no new array and no copy per frame, which profiles showed), unless a large frame grew it.
  private ByteWriter writer = new ByteWriter(256);

  FrameEncoder(int maxFrameBytes) {
    super(Frame.class);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
    try {
      FrameBurst.encode(writer, frame, maxFrameBytes);
      FrameBurst.append(writer, out);
    } finally {
      if (writer.capacity() > KEEP_BUFFER_BYTES) {
        writer = new ByteWriter(256);
      }
    }
  }
}
