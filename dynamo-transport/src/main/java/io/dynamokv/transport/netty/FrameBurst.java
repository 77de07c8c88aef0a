package io.dynamokv.transport.netty;

import io.dynamokv.internal.wire.Frame;
import io.dynamokv.spi.version.ByteWriter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.EncoderException;

/**
 * The frames of one burst for one channel, encoded back to back into one buffer and written with
 * one write: one outbound entry, one promise and one pooled buffer per burst instead of one each
 * per frame (the per-frame write path would be a large part of the I/O threads' own CPU). Frames written one by one still go through {@link FrameEncoder},
 * which encodes them the same way.
 *
 * <p>Used on its channel's event loop only.
 */
final class FrameBurst {

  private static final int KEEP_BUFFER_BYTES = 64 << 10;

  private final int maxFrameBytes;
  private ByteWriter scratch = new ByteWriter(256);
  private ByteBuf pending;
  private int frames;

  FrameBurst(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Encodes {@code frame} after the burst's others.
   *
   * @throws EncoderException if the frame is over the limit; the burst is unchanged
   */
  void add(Channel ch, Frame frame) {
    try {
      int length = encode(scratch, frame, maxFrameBytes);
      if (pending == null) {
        pending = ch.alloc().ioBuffer(Math.max(1024, 4 + length));
      }
      append(scratch, pending);
      frames++;
    } finally {
      if (scratch.capacity() > KEEP_BUFFER_BYTES) {
        scratch = new ByteWriter(256);
      }
    }
  }

  /** The bytes added since the last write. */
  int bytes() {
    return pending == null ? 0 : pending.readableBytes();
  }

  /** How many frames were added since the last write. */
  int frames() {
    return frames;
  }

  /** Writes and flushes what was added, if anything; returns the write's future, or null if there was nothing. */
  ChannelFuture writeTo(Channel ch) {
    ByteBuf out = take();
    return out == null ? null : ch.writeAndFlush(out);
  }

  /** Writes and flushes what was added, if anything, with no future to complete (failures reach the pipeline). */
  void writeToAndForget(Channel ch) {
    ByteBuf out = take();
    if (out != null) {
      ch.writeAndFlush(out, ch.voidPromise());
    }
  }

  /** Hands over the burst's buffer and starts a new burst; null (and no buffer kept) if it holds no frame. */
  private ByteBuf take() {
    ByteBuf out = frames == 0 ? null : pending;
    if (out == null && pending != null) {
      pending.release();
    }
    pending = null;
    frames = 0;
    return out;
  }

  /**
   * Encodes {@code frame} into {@code scratch} (reset first) and returns its length.
   *
   * @throws EncoderException if the frame is over {@code maxFrameBytes}
   */
  static int encode(ByteWriter scratch, Frame frame, int maxFrameBytes) {
    scratch.reset();
    io.dynamokv.internal.wire.FrameCodec.encode(frame, scratch);
    int length = scratch.size();
    if (length > maxFrameBytes) {
      throw new EncoderException("frame of " + length + " bytes (expected: <= maxFrameBytes = "
          + maxFrameBytes + ") for " + frame.message().type());
    }
    return length;
  }

  /** Appends the frame in {@code scratch} to {@code out}: a 4-byte big-endian length, then its bytes. */
  static void append(ByteWriter scratch, ByteBuf out) {
    out.writeInt(scratch.size());
    scratch.writeTo(out::writeBytes);
  }
}
