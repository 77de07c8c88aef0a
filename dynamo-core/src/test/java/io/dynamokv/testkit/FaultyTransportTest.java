package io.dynamokv.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.internal.wire.ReplicaGet;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.RequestHandler;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The fault wrapper changes only what its switches say: handlers keep their other answers. */
class FaultyTransportTest {

  /** Records the handler it is started with; sends nothing. */
  private static final class Recorder implements Transport {
    RequestHandler started;

    @Override
    public void start(RequestHandler handler) {
      started = handler;
    }

    @Override
    public Endpoint localEndpoint() {
      return Endpoint.of("recorder", 7000);
    }

    @Override
    public CompletableFuture<Message> request(Endpoint peer, Message request, Duration timeout) {
      return new CompletableFuture<>();
    }

    @Override
    public void close() {}
  }

  /** Serves pings without blocking, nothing else, as a node's handler says of its requests. */
  private static final RequestHandler PINGS_ON_IO_THREADS = new RequestHandler() {
    @Override
    public CompletableFuture<Message> handle(Message request) {
      return CompletableFuture.completedFuture(new Pong(((Ping) request).nonce()));
    }

    @Override
    public boolean servesWithoutBlocking(Message request) {
      return request instanceof Ping;
    }
  };

  // A regression: the wrapper once started its delegate with a lambda, whose default answer
  // (false) sent every request of the standalone node through the request executor.
  @Test
  void theWrappedHandlerKeepsWhichRequestsItServesWithoutBlocking() {
    Recorder recorder = new Recorder();
    new FaultyTransport(recorder, new Simulation(1).scheduler()).start(PINGS_ON_IO_THREADS);

    assertThat(recorder.started.servesWithoutBlocking(new Ping(7))).isTrue();
    assertThat(recorder.started.servesWithoutBlocking(new ReplicaGet("s", new byte[] {1}))).isFalse();
    assertThat(recorder.started.handleWithoutBlocking(new Ping(7), Optional.empty()))
        .hasValueSatisfying(reply -> assertThat(reply.join()).isEqualTo(new Pong(7)));
    assertThat(recorder.started.handleWithoutBlocking(new ReplicaGet("s", new byte[] {1}), Optional.empty())).isEmpty();
  }

  @Test
  void delayedRepliesComeOnlyAfterTheDelay() {
    Simulation sim = new Simulation(2);
    Recorder recorder = new Recorder();
    FaultyTransport faulty = new FaultyTransport(recorder, sim.scheduler());
    faulty.start(PINGS_ON_IO_THREADS);
    faulty.delayReplies(Duration.ofMillis(50));

    CompletableFuture<Message> reply = recorder.started.handle(new Ping(9));
    sim.runFor(Duration.ofMillis(49));
    assertThat(reply).isNotDone();
    sim.runFor(Duration.ofMillis(2));
    assertThat(reply).isCompletedWithValue(new Pong(9));
  }

  /** The node checks who sent a request (its certificate): the wrapper must not drop who it was. */
  @Test
  void theWrappedHandlerIsToldWhoSentTheRequest() {
    java.util.List<java.util.Optional<io.dynamokv.spi.PeerIdentity>> seen = new java.util.ArrayList<>();
    Recorder recorder = new Recorder();
    new FaultyTransport(recorder, new Simulation(3).scheduler()).start(new RequestHandler() {
      @Override
      public CompletableFuture<Message> handle(Message request) {
        return handle(request, java.util.Optional.empty());
      }

      @Override
      public CompletableFuture<Message> handle(Message request, java.util.Optional<io.dynamokv.spi.PeerIdentity> peer) {
        seen.add(peer);
        return CompletableFuture.completedFuture(new Pong(1));
      }
    });
    recorder.started.handle(new Ping(1), java.util.Optional.of(io.dynamokv.spi.PeerIdentity.node("b")));
    assertThat(seen).containsExactly(java.util.Optional.of(io.dynamokv.spi.PeerIdentity.node("b")));
  }
}
