package io.dynamokv.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.RequestTimeoutException;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulated network's faults do what they say. */
class SimulatedNetworkTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private Simulation sim;
  private Transport a;
  private Transport b;
  private Transport c;
  private final AtomicInteger handled = new AtomicInteger();

  @BeforeEach
  void setUp() {
    sim = new Simulation(99);
    a = started("a");
    b = started("b");
    c = started("c");
  }

  private Transport started(String name) {
    Transport t = sim.network().transport(Endpoint.of(name, 1));
    t.start(m -> {
      handled.incrementAndGet();
      return CompletableFuture.completedFuture(new Pong(((Ping) m).nonce()));
    });
    return t;
  }

  private boolean reaches(Transport from, Transport to) {
    CompletableFuture<Message> f = from.request(to.localEndpoint(), new Ping(1), TIMEOUT);
    try {
      sim.await(f, Duration.ofSeconds(10));
      return true;
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(RequestTimeoutException.class);
      return false;
    }
  }

  @Test
  void partitionsSeparateGroupsAndHealJoinsThem() {
    sim.network().partition(Set.of(a.localEndpoint()), Set.of(b.localEndpoint(), c.localEndpoint()));
    assertThat(reaches(a, b)).isFalse();
    assertThat(reaches(b, a)).isFalse();
    assertThat(reaches(b, c)).isTrue();
    sim.network().heal();
    assertThat(reaches(a, b)).isTrue();
  }

  @Test
  void endpointsNamedInNoGroupFormAGroupOfTheirOwn() {
    sim.network().isolate(a.localEndpoint());
    assertThat(reaches(a, b)).isFalse();
    assertThat(reaches(b, c)).isTrue();
  }

  @Test
  void aCutLinkBlocksOnlyThatPair() {
    sim.network().cutLink(a.localEndpoint(), b.localEndpoint());
    assertThat(reaches(a, b)).isFalse();
    assertThat(reaches(a, c)).isTrue();
    assertThat(reaches(c, b)).isTrue();
  }

  @Test
  void aPartitionThatStartsInFlightLosesTheMessage() {
    sim.network().setLatency(Duration.ofMillis(50), Duration.ofMillis(50));
    CompletableFuture<Message> f = a.request(b.localEndpoint(), new Ping(1), TIMEOUT);
    sim.runFor(Duration.ofMillis(10));
    sim.network().isolate(b.localEndpoint());
    assertThatThrownBy(() -> sim.await(f, Duration.ofSeconds(5))).hasCauseInstanceOf(RequestTimeoutException.class);
    assertThat(handled).hasValue(0);
  }

  @Test
  void everyMessageLostMeansEveryRequestTimesOut() {
    sim.network().setDropRate(1.0);
    assertThat(reaches(a, b)).isFalse();
    assertThat(handled).hasValue(0);
  }

  @Test
  void duplicatedRequestsReachTheHandlerTwiceButCompleteOnce() {
    sim.network().setDuplicateRate(1.0);
    CompletableFuture<Message> f = a.request(b.localEndpoint(), new Ping(5), TIMEOUT);
    assertThat(sim.await(f, Duration.ofSeconds(5))).isEqualTo(new Pong(5));
    sim.runUntilIdle(10_000);
    assertThat(handled).hasValue(2);
  }

  @Test
  void latencyStaysWithinItsBounds() {
    sim.network().setLatency(Duration.ofMillis(20), Duration.ofMillis(30));
    for (int i = 0; i < 50; i++) {
      long start = sim.clock().nanoTime();
      sim.await(a.request(b.localEndpoint(), new Ping(i), TIMEOUT), Duration.ofSeconds(5));
      assertThat(Duration.ofNanos(sim.clock().nanoTime() - start)).isBetween(Duration.ofMillis(40), Duration.ofMillis(60));
    }
  }

  @Test
  void twoTransportsCannotListenAtOneEndpoint() {
    Transport again = sim.network().transport(a.localEndpoint());
    assertThatThrownBy(() -> again.start(m -> null)).hasMessage("address in use: a:1");
  }

  @Test
  void badFaultSettingsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> sim.network().setDropRate(1.5)).hasMessage("drop rate : 1.5 (expected: 0..1)");
    assertThatThrownBy(() -> sim.network().setLatency(Duration.ofMillis(5), Duration.ofMillis(1)))
        .hasMessageContaining("expected: 0 <= min <= max");
  }
}
