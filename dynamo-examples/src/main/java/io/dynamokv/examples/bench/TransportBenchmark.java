package io.dynamokv.examples.bench;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.wire.Frame;
import io.dynamokv.internal.wire.FrameCodec;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.internal.wire.ReplicaGetReply;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Request/response over loopback, in one run: a plain Netty echo of length-prefixed frames (the
 * baseline), then {@link NettyTransport} sending a {@link ReplicaGet} and answering with a
 * {@link ReplicaGetReply} whose frames are the same size, each with 1 and with 64 requests in
 * flight on one connection. Prints ops/s, p50/p99/p99.9 and the ratio to the baseline.
 *
 * <p>Run: {@code mvn -B -q -DskipTests install && mvn -B -q -pl dynamo-examples exec:java
 * -Ddemo.main=io.dynamokv.examples.bench.TransportBenchmark -Dexec.args="--seconds 10"}.
 */
public final class TransportBenchmark {

  private final Duration duration;
  private final ReplicaGet request = new ReplicaGet("bench", new byte[100]);
  private final ReplicaGetReply reply;
  private final int frameBytes;

  private TransportBenchmark(Duration duration) {
    this.duration = duration;
    VersionSet set = VersionSet.EMPTY.put(VersionSet.EMPTY.context(), ActorId.of(NodeId.of("bench"), 1), new byte[70], 1);
    this.reply = new ReplicaGetReply(set);
    this.frameBytes = FrameCodec.encode(Frame.request(1, request)).length;
  }

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--seconds")) {
        seconds = Integer.parseInt(args[i + 1]);
      } else {
        throw new IllegalArgumentException("unknown option " + args[i] + " (expected: --seconds N)");
      }
    }
    new TransportBenchmark(Duration.ofSeconds(seconds)).run();
  }

  private void run() throws Exception {
    System.out.printf(Locale.ROOT, "transport benchmark: request %d bytes, reply %d bytes, %s, %d cores, %s per phase%n",
        frameBytes, FrameCodec.encode(Frame.response(1, reply)).length, Epoll.isAvailable() ? "epoll" : "nio",
        Runtime.getRuntime().availableProcessors(), duration);
    List<LatencyReport> reports = new ArrayList<>();
    for (int inFlight : new int[] {1, 64}) {
      LatencyReport echo = NettyEcho.measure("plain Netty echo (baseline)", frameBytes, inFlight, Duration.ZERO, duration);
      LatencyReport transport = transport(inFlight);
      reports.add(echo);
      reports.add(transport);
      System.out.printf(Locale.ROOT, "  %d in flight: transport / echo = %.2f%n", inFlight,
          transport.opsPerSecond() / echo.opsPerSecond());
    }
    System.out.println();
    System.out.println(LatencyReport.header());
    reports.forEach(r -> System.out.println(r.row()));
    System.out.println();
    System.out.printf(Locale.ROOT, "transport / echo, 1 in flight  = %.2f%n", reports.get(1).opsPerSecond() / reports.get(0).opsPerSecond());
    System.out.printf(Locale.ROOT, "transport / echo, 64 in flight = %.2f (target >= 0.70)%n",
        reports.get(3).opsPerSecond() / reports.get(2).opsPerSecond());
  }

  private LatencyReport transport(int inFlight) throws Exception {
    try (NettyTransport server = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).ioThreads(1).build());
         NettyTransport client = NettyTransport.create(NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0)).ioThreads(1).build())) {
      server.start(m -> CompletableFuture.completedFuture(reply));
      Endpoint peer = server.localEndpoint();
      Duration timeout = Duration.ofSeconds(10);
      client.request(peer, request, timeout).get(); // connect
      return ClosedLoop.run("NettyTransport request/reply", inFlight, Duration.ZERO, duration,
          () -> client.request(peer, request, timeout));
    }
  }
}
