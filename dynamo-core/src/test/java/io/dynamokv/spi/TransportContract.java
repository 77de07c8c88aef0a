package io.dynamokv.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} must do, written once and run over each transport (the simulated
 * network here; Netty on loopback in dynamo-transport). Ships in dynamo-core's test-jar.
 */
public abstract class TransportContract {

  /** What a transport under test provides. */
  protected interface Harness extends AutoCloseable {

    /** Returns a new, unstarted transport at a fresh endpoint. */
    Transport newTransport();

    /** Returns a new, unstarted transport at {@code endpoint} (to restart a node there). */
    Transport newTransport(Endpoint endpoint);

    /** Returns an endpoint where nothing listens. */
    Endpoint unusedEndpoint();

    /** Waits for {@code future}, driving the transport if it needs driving; fails after a bound. */
    <T> T await(CompletableFuture<T> future);

    /** Waits until {@code condition} holds, driving the transport if it needs driving; fails after a bound. */
    void awaitCondition(java.util.function.BooleanSupplier condition);

    @Override
    void close();
  }

  protected abstract Harness newHarness() throws Exception;

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  protected Harness harness;
  private final List<Transport> opened = new ArrayList<>();

  @BeforeEach
  void setUpHarness() throws Exception {
    harness = newHarness();
  }

  @AfterEach
  void tearDownHarness() {
    opened.forEach(Transport::close);
    harness.close();
  }

  private Transport started(RequestHandler handler) {
    Transport t = harness.newTransport();
    opened.add(t);
    t.start(handler);
    return t;
  }

  private static RequestHandler echo() {
    return m -> CompletableFuture.completedFuture(new Pong(((Ping) m).nonce()));
  }

  private Throwable failureOf(CompletableFuture<?> f) {
    try {
      harness.await(f);
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected the request to fail, but it succeeded with " + f.join());
  }

  @Test
  void aRequestGetsItsReply() {
    Transport a = started(echo());
    Transport b = started(echo());
    Message reply = harness.await(a.request(b.localEndpoint(), new Ping(7), TIMEOUT));
    assertThat(reply).isEqualTo(new Pong(7));
  }

  @Test
  void manyRequestsInFlightEachGetTheirOwnReply() {
    Transport a = started(echo());
    Transport b = started(echo());
    List<CompletableFuture<Message>> replies = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      replies.add(a.request(b.localEndpoint(), new Ping(i), TIMEOUT));
    }
    for (int i = 0; i < replies.size(); i++) {
      assertThat(harness.await(replies.get(i))).isEqualTo(new Pong(i));
    }
  }

  @Test
  void aFailingHandlerFailsTheRequestWithItsMessage() {
    Transport a = started(echo());
    Transport b = started(m -> CompletableFuture.failedFuture(new IllegalStateException("disk on fire")));
    Throwable failure = failureOf(a.request(b.localEndpoint(), new Ping(1), TIMEOUT));
    assertThat(failure).isInstanceOf(RemoteFailureException.class).hasMessageContaining("disk on fire");
    assertThat(((TransportException) failure).peer()).isEqualTo(b.localEndpoint());
  }

  @Test
  void aRequestWithNoReplyTimesOutNamingThePeerAndDeadline() {
    Transport a = started(echo());
    Transport b = started(m -> new CompletableFuture<>());
    Throwable failure = failureOf(a.request(b.localEndpoint(), new Ping(1), Duration.ofMillis(300)));
    assertThat(failure).isInstanceOf(RequestTimeoutException.class)
        .hasMessageContaining(b.localEndpoint().toString())
        .hasMessageContaining("300 ms");
    assertThat(((RequestTimeoutException) failure).timeout()).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aRequestToWhereNothingListensFailsAsUnreachable() {
    Transport a = started(echo());
    Endpoint nowhere = harness.unusedEndpoint();
    Throwable failure = failureOf(a.request(nowhere, new Ping(1), TIMEOUT));
    assertThat(failure).isInstanceOf(PeerUnreachableException.class);
    assertThat(((TransportException) failure).peer()).isEqualTo(nowhere);
  }

  @Test
  void closingFailsPendingRequestsAndRefusesNewOnes() {
    Transport a = started(echo());
    AtomicInteger received = new AtomicInteger();
    Transport b = started(m -> {
      received.incrementAndGet();
      return new CompletableFuture<>();
    });
    CompletableFuture<Message> pending = a.request(b.localEndpoint(), new Ping(1), Duration.ofSeconds(30));
    harness.awaitCondition(() -> received.get() == 1);
    a.close();
    a.close();
    assertThat(failureOf(pending)).isInstanceOf(TransportClosedException.class);
    assertThat(failureOf(a.request(b.localEndpoint(), new Ping(2), TIMEOUT)))
        .isInstanceOf(TransportClosedException.class);
  }

  @Test
  void aPeerThatRestartsIsReachableAgain() {
    Transport a = started(echo());
    Transport b = started(echo());
    Endpoint at = b.localEndpoint();
    assertThat(harness.await(a.request(at, new Ping(1), TIMEOUT))).isEqualTo(new Pong(1));
    b.close();
    assertThat(failureOf(a.request(at, new Ping(2), TIMEOUT))).isInstanceOf(TransportException.class);
    Transport b2 = harness.newTransport(at);
    opened.add(b2);
    b2.start(echo());
    assertThat(harness.await(a.request(at, new Ping(3), TIMEOUT))).isEqualTo(new Pong(3));
  }

  @Test
  void badArgumentsFailTheFutureAndDoNotThrow() {
    Transport a = started(echo());
    Transport b = started(echo());
    CompletableFuture<Message> f = a.request(b.localEndpoint(), new Ping(1), Duration.ZERO);
    assertThatThrownBy(f::join).hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }
}
