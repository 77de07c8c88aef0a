package io.dynamokv.examples.bench;

import io.dynamokv.examples.LocalCluster;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "ideal quorum" baseline: three servers that do nothing but RocksDB (with the engine's
 * options and the same durability; see {@link IdealReplica}), and a client that sends each
 * operation to all three and completes on the second answer, as W=2 or R=2 of N=3 would with no
 * coordination, causality, versions or failure handling.
 *
 * <p>The servers run in this JVM ({@link #inThisJvm}), beside the in-process cluster, or as three
 * processes ({@link #asProcesses}), beside the cluster's node processes: each form compares the
 * cluster with the same ideal quorum in the same shape, the same number of JVMs sharing the cores.
 *
 * <p>Frames: requests are {@code op(1) keyLength(2) key value}, op 1 = put, 2 = get; replies are
 * one byte for a put, the value (or nothing) for a get.
 */
final class IdealQuorum implements AutoCloseable {

  private final NettyLoopback net = new NettyLoopback(3, 1);
  private final List<RawRocksDb> replicas = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final List<Queue<Pending>> waiting = new ArrayList<>();

  private record Pending(CompletableFuture<Void> done, AtomicInteger replies, int needed) {}

  private IdealQuorum() {}

  /** Starts the three servers in this JVM, one event loop each, and connects to them. */
  static IdealQuorum inThisJvm(Path dir, boolean sync) throws Exception {
    IdealQuorum q = new IdealQuorum();
    try {
      for (int i = 0; i < 3; i++) {
        RawRocksDb db = new RawRocksDb(dir.resolve("ideal-" + i), sync);
        q.replicas.add(db);
        q.connect(q.net.serve(() -> new IdealReplica(db)));
      }
      return q;
    } catch (Exception | Error e) {
      q.close();
      throw e;
    }
  }

  /**
   * Starts the three servers as processes ({@link IdealReplica#main}) with the given heap and JVM
   * options, as the node processes get, and connects to each once it listens. Their logs go to
   * {@code <dir>/ideal-<i>.log}.
   */
  static IdealQuorum asProcesses(Path dir, boolean sync, String heap, List<String> jvmOptions) throws Exception {
    IdealQuorum q = new IdealQuorum();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int port = LocalCluster.freePort();
        ports.add(port);
        q.processes.add(BenchProcesses.start(IdealReplica.class,
            List.of(dir.resolve("ideal-" + i).toString(), Integer.toString(port), sync ? "sync" : "async"), heap,
            jvmOptions, dir.resolve("ideal-" + i + ".log")));
      }
      for (int i = 0; i < 3; i++) {
        q.connectWhenListening(ports.get(i), q.processes.get(i), Duration.ofSeconds(60));
      }
      System.out.printf(Locale.ROOT, "ideal quorum: 3 server processes ready (pids %s)%n",
          q.processes.stream().map(p -> Long.toString(p.pid())).toList());
      return q;
    } catch (Exception | Error e) {
      q.close();
      throw e;
    }
  }

  /** The CPU time the server processes have used so far, in nanoseconds (0 in this JVM's form: counted with it). */
  long serversCpuNanos() {
    return BenchProcesses.cpuNanos(processes);
  }

  private void connectWhenListening(int port, Process server, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        connect(port);
        return;
      } catch (Exception e) { // Netty rethrows the connect's ConnectException undeclared
        if (!(e instanceof IOException) || System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException("the ideal quorum's server on port " + port + " did not listen within "
              + limit + " (alive: " + server.isAlive() + "): " + e, e);
        }
        TimeUnit.MILLISECONDS.sleep(100); // a process starting: poll until it listens
      }
    }
  }

  private void connect(int port) throws InterruptedException {
    Queue<Pending> queue = new ConcurrentLinkedQueue<>();
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
    waiting.add(queue);
  }

  /** Puts {@code value} under {@code key} on all three; completes when two have it. */
  CompletableFuture<Void> put(byte[] key, byte[] value) {
    return send(IdealReplica.PUT, key, value, 2);
  }

  /** Reads {@code key} from all three; completes when two have answered. */
  CompletableFuture<Void> get(byte[] key) {
    return send(IdealReplica.GET, key, new byte[0], 2);
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

  @Override
  public void close() throws Exception {
    for (Channel ch : channels) {
      ch.close().sync();
    }
    net.close();
    replicas.forEach(RawRocksDb::close);
    processes.forEach(Process::destroyForcibly); // nothing of theirs is kept: a baseline's data
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
