package io.dynamokv.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTest {

  private static final Duration SECOND = Duration.ofSeconds(1);
  private final Simulation sim = new Simulation(1);

  @Test
  void runsEveryIntervalFromOneIntervalOn() {
    List<Long> at = new ArrayList<>();
    Periodic.start(sim.scheduler(), SECOND, "tick", () -> at.add(sim.clock().elapsed().toMillis()));
    sim.runFor(Duration.ofMillis(3500));
    assertThat(at).containsExactly(1000L, 2000L, 3000L);
  }

  @Test
  void aRunThatThrowsDoesNotStopTheNext() {
    AtomicInteger runs = new AtomicInteger();
    Periodic.start(sim.scheduler(), SECOND, "failing", () -> {
      runs.incrementAndGet();
      throw new IllegalStateException("broken round");
    });
    sim.runFor(Duration.ofMillis(3500));
    assertThat(runs).hasValue(3);
  }

  @Test
  void aFailedAsynchronousRunDoesNotStopTheNext() {
    AtomicInteger runs = new AtomicInteger();
    Periodic.startAsync(sim.scheduler(), SECOND, "failing pass", () -> {
      runs.incrementAndGet();
      return CompletableFuture.failedFuture(new IllegalStateException("broken pass"));
    });
    sim.runFor(Duration.ofMillis(3500));
    assertThat(runs).hasValue(3);
  }

  @Test
  void theNextRunWaitsForTheFutureOfTheLast() {
    List<Long> starts = new ArrayList<>();
    Periodic.startAsync(sim.scheduler(), SECOND, "slow pass", () -> {
      starts.add(sim.clock().elapsed().toMillis());
      CompletableFuture<Void> done = new CompletableFuture<>();
      sim.scheduler().schedule(Duration.ofMillis(2500), () -> done.complete(null));
      return done;
    });
    sim.runFor(Duration.ofMillis(7900));
    // Started at 1 s, ended at 3.5 s; the next one interval later, at 4.5 s, ended at 7 s.
    assertThat(starts).containsExactly(1000L, 4500L);
  }

  @Test
  void noRunStartsAfterCancel() {
    AtomicInteger runs = new AtomicInteger();
    Periodic periodic = Periodic.start(sim.scheduler(), SECOND, "tick", runs::incrementAndGet);
    sim.runFor(Duration.ofMillis(2500));
    assertThat(periodic.cancel()).isTrue();
    sim.runFor(Duration.ofSeconds(5));
    assertThat(runs).hasValue(2);
  }
}
