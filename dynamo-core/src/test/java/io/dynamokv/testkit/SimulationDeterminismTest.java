package io.dynamokv.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Same seed, same run: the trace of a busy, faulty simulation replays event for event. */
class SimulationDeterminismTest {

  /** Five nodes pinging each other through drops, duplicates, delays and partitions. */
  private static List<String> run(long seed) {
    Simulation sim = new Simulation(seed);
    sim.network().setLatency(Duration.ofMillis(1), Duration.ofMillis(20));
    sim.network().setDropRate(0.05);
    sim.network().setDuplicateRate(0.05);
    RandomGenerator workload = sim.newRandom();
    List<Transport> nodes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Transport t = sim.network().transport(Endpoint.of("n" + i, 7000));
      String name = "n" + i;
      RandomGenerator thinking = sim.newRandom();
      t.start(m -> {
        // Reply after a random think time, on the simulated scheduler.
        CompletableFuture<Message> reply = new CompletableFuture<>();
        sim.scheduler().schedule(Duration.ofMillis(thinking.nextInt(10)),
            () -> reply.complete(new Pong(((Ping) m).nonce())));
        return reply;
      });
      nodes.add(t);
    }
    List<String> outcomes = new ArrayList<>();
    for (int round = 0; round < 200; round++) {
      if (round == 50) {
        sim.network().partition(Set.of(nodes.get(0).localEndpoint(), nodes.get(1).localEndpoint()));
      }
      if (round == 120) {
        sim.network().heal();
      }
      Transport from = nodes.get(workload.nextInt(nodes.size()));
      Transport to = nodes.get(workload.nextInt(nodes.size()));
      int n = round;
      from.request(to.localEndpoint(), new Ping(n), Duration.ofMillis(100))
          .whenComplete((reply, failure) -> outcomes.add(n + ":" + (failure == null ? reply : failure.getClass().getSimpleName())));
      sim.runFor(Duration.ofMillis(workload.nextInt(1, 15)));
    }
    sim.runUntilIdle(1_000_000);
    List<String> result = new ArrayList<>(outcomes);
    result.add("fingerprint=" + sim.trace().fingerprint() + " events=" + sim.trace().recorded() + " " + sim.describe());
    result.addAll(sim.trace().events());
    return result;
  }

  @Test
  void twoRunsOfOneSeedProduceTheSameTrace() {
    List<String> first = run(42);
    List<String> second = run(42);
    assertThat(second).isEqualTo(first);
    assertThat(first.stream().filter(s -> s.contains("drop"))).as("faults were injected").isNotEmpty();
    assertThat(first.stream().filter(s -> s.contains("RequestTimeoutException"))).isNotEmpty();
    assertThat(first.stream().filter(s -> s.contains("Pong"))).isNotEmpty();
  }

  @Test
  void differentSeedsProduceDifferentRuns() {
    assertThat(run(1)).isNotEqualTo(run(2));
  }
}
