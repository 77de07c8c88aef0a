package io.dynamokv.examples.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One server of the ideal quorum ({@link IdealQuorum}): it collects the requests of a socket
 * read, writes their puts in one RocksDB WriteBatch (one fsync with SYNC), then answers them all,
 * gets with the value read. It blocks its event loop on that write on purpose: requests arriving
 * meanwhile wait in the socket, and the next read takes them all, so one fsync covers them.
 *
 * <p>{@link #main} runs one as a process of its own, for the process form of the benchmark, in
 * which the nodes are processes too: {@code IdealReplica <dir> <port> <sync|async>}. It logs
 * a line once it listens (the benchmark waits by connecting), and serves until killed.
 */
final class IdealReplica extends ChannelInboundHandlerAdapter {

  static final byte PUT = 1;
  static final byte GET = 2;

  private final RawRocksDb db;
  private final ArrayDeque<ByteBuf> batch = new ArrayDeque<>();

  IdealReplica(RawRocksDb db) {
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

  /** Serves one replica on {@code port} until the process is killed. */
  public static void main(String[] args) throws Exception {
    if (args.length != 3 || !List.of("sync", "async").contains(args[2])) {
      throw new IllegalArgumentException("arguments : " + List.of(args) + " (expected: <dir> <port> <sync|async>)");
    }
    RawRocksDb db = new RawRocksDb(Path.of(args[0]), args[2].equals("sync"));
    NettyLoopback net = new NettyLoopback(1, 1);
    net.serve(Integer.parseInt(args[1]), () -> new IdealReplica(db));
    System.out.printf(Locale.ROOT, "ready on port %s%n", args[1]);
    new CountDownLatch(1).await(); // until killed: the benchmark destroys the process
  }
}
