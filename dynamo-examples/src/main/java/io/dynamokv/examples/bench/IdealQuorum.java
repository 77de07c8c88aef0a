package io.dynamokv.examples.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The "ideal quorum" baseline: three servers that do nothing but RocksDB (with the engine's
 * options and the same durability), and a client that sends each operation to all three and
 * completes on the second answer, as W=2 or R=2 of N=3 would with no coordination, causality,
 * versions or failure handling. Each server applies all the puts of one socket read in one
 * WriteBatch (one fsync with SYNC): group commit at its simplest.
 *
 * <p>Frames: requests are {@code op(1) keyLength(2) key value}, op 1 = put, 2 = get; replies are
 * one byte for a put, the value (or nothing) for a get.
 */
final class IdealQuorum implements AutoCloseable {

  private static final byte PUT = 1;
  private static final byte GET = 2;

  private final NettyLoopback net = new NettyLoopback(3, 1);
  private final List<RawRocksDb> replicas = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final List<Queue<Pending>> waiting = new ArrayList<>();

  private record Pending(CompletableFuture<Void> done, AtomicInteger replies, int needed) {}

  IdealQuorum(Path dir, boolean sync) throws Exception {
    for (int i = 0; i < 3; i++) {
      RawRocksDb db = new RawRocksDb(dir.resolve("ideal-" + i), sync);
      replicas.add(db);
      int port = net.serve(() -> new Replica(db));
      Queue<Pending> queue = new ConcurrentLinkedQueue<>();
      waiting.add(queue);
      channels.add(net.connect(port, new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ((ByteBuf) msg).release();
          Pending p = queue.poll();
          if (p != null && p.replies().incrementAndGet() == p.needed()) {
            p.done().complete(null);
          }
        }
      }));
    }
  }

  /** Puts {@code value} under {@code key} on all three; completes when two have it. */
  CompletableFuture<Void> put(byte[] key, byte[] value) {
    return send(PUT, key, value, 2);
  }

  /** Reads {@code key} from all three; completes when two have answered. */
  CompletableFuture<Void> get(byte[] key) {
    return send(GET, key, new byte[0], 2);
  }

  private CompletableFuture<Void> send(byte op, byte[] key, byte[] value, int needed) {
    Pending p = new Pending(new CompletableFuture<>(), new AtomicInteger(), needed);
    for (int i = 0; i < channels.size(); i++) {
      Channel ch = channels.get(i);
      Queue<Pending> queue = waiting.get(i);
      // Queued in wire order: both happen on the channel's event loop.
      ch.eventLoop().execute(() -> {
        queue.add(p);
        ByteBuf frame = ch.alloc().buffer(3 + key.length + value.length);
        frame.writeByte(op).writeShort(key.length).writeBytes(key).writeBytes(value);
        ch.writeAndFlush(frame);
      });
    }
    return p.done();
  }

  /** A server: collects a socket read's requests, writes their puts in one batch, answers all. */
  private static final class Replica extends ChannelInboundHandlerAdapter {
    private final RawRocksDb db;
    private final ArrayDeque<ByteBuf> batch = new ArrayDeque<>();

    Replica(RawRocksDb db) {
      this.db = db;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      batch.add((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws RocksDBException {
      List<ByteBuf> requests = new ArrayList<>(batch);
      batch.clear();
      try (WriteBatch writes = new WriteBatch()) {
        for (ByteBuf r : requests) {
          if (r.getByte(r.readerIndex()) == PUT) {
            byte[] key = new byte[r.getUnsignedShort(r.readerIndex() + 1)];
            r.getBytes(r.readerIndex() + 3, key);
            byte[] value = new byte[r.readableBytes() - 3 - key.length];
            r.getBytes(r.readerIndex() + 3 + key.length, value);
            writes.put(key, value);
          }
        }
        if (writes.count() > 0) {
          db.db.write(db.write, writes);
        }
      }
      for (ByteBuf r : requests) {
        if (r.getByte(r.readerIndex()) == GET) {
          byte[] key = new byte[r.getUnsignedShort(r.readerIndex() + 1)];
          r.getBytes(r.readerIndex() + 3, key);
          byte[] value = db.db.get(key);
          ctx.write(ctx.alloc().buffer().writeBytes(value == null ? new byte[0] : value));
        } else {
          ctx.write(ctx.alloc().buffer(1).writeByte(1));
        }
        r.release();
      }
      ctx.flush();
    }
  }

  @Override
  public void close() throws Exception {
    for (Channel ch : channels) {
      ch.close().sync();
    }
    net.close();
    replicas.forEach(RawRocksDb::close);
  }
}
