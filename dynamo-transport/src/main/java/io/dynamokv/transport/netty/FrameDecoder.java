package io.dynamokv.transport.netty;

import io.dynamokv.internal.wire.FrameCodec;
import io.dynamokv.spi.version.ByteReader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cuts the byte stream into length-prefixed frames and decodes each with {@link FrameCodec}. A
 * length over the limit ({@code TooLongFrameException}) or bytes that do not decode
 * ({@code DecodeException}) reach {@code exceptionCaught}, where the connection is closed.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

  /** The frame's length, before it: a 4-byte big-endian count of the bytes that follow. */
  static final int LENGTH_BYTES = 4;

  private static final int KEEP_SCRATCH_BYTES = 64 << 10;

  // One decoder per channel, called on its event loop only: each frame is copied out of Netty's
  // buffer into this array and decoded from it. Decoding copies what it keeps (ByteReader never
  // hands out a view of its array), so the array is free again at once: no array per frame.
  private byte[] scratch = new byte[1024];
  private final LongAdder bytesReceived;

  /**
   * Creates the decoder of frames of at most {@code maxFrameBytes} after their 4-byte length:
   * the limit the sender checks ({@code FrameBurst.encode}), so a frame one side may send the
   * other always accepts. Each frame's bytes, its length included, are added to {@code bytesReceived}.
   */
  FrameDecoder(int maxFrameBytes, LongAdder bytesReceived) {
    // Netty's limit counts the length field too. Length field: 4 bytes at offset 0, stripped;
    // fail as soon as a length is too long, before anything is allocated for it.
    super((int) Math.min(Integer.MAX_VALUE, maxFrameBytes + (long) LENGTH_BYTES), 0, LENGTH_BYTES, 0, LENGTH_BYTES, true);
    this.bytesReceived = bytesReceived;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      int length = frame.readableBytes();
      bytesReceived.add(LENGTH_BYTES + length);
      if (length > scratch.length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      frame.getBytes(frame.readerIndex(), scratch, 0, length);
      return FrameCodec.decode(new ByteReader(scratch, 0, length));
    } finally {
      frame.release();
      if (scratch.length > KEEP_SCRATCH_BYTES) {
        scratch = new byte[1024];
      }
    }
  }
}
