package io.dynamokv.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * One deterministic world: a virtual clock, a single-threaded scheduler, a simulated network
 * and a random generator, all derived from one seed. Everything a simulated node needs comes
 * from here, so the same seed replays the same run, event for event (see {@link #trace()}).
 *
 * <pre>{@code
 * Simulation sim = new Simulation(seed);
 * Transport a = sim.network().transport(Endpoint.of("a", 1));
 * ...
 * sim.runFor(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Drive it from one thread. When a run fails, print {@link #describe()}: it names the seed.
 */
public final class Simulation {

  private static final int TRACE_CAPACITY = 10_000;

  private final long seed;
  private final VirtualClock clock = new VirtualClock();
  private final SimulatedScheduler scheduler = new SimulatedScheduler(clock);
  private final SplittableRandom random;
  private final Trace trace = new Trace(clock, TRACE_CAPACITY);
  private final SimulatedNetwork network;

  /** Creates the world of {@code seed}. */
  public Simulation(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    // The network gets its own stream, so code under test drawing numbers does not change
    // which messages the network drops, and the other way round.
    this.network = new SimulatedNetwork(scheduler, random.split(), trace);
  }

  /** Returns the seed this world was made from. */
  public long seed() {
    return seed;
  }

  /** Returns the virtual clock. */
  public VirtualClock clock() {
    return clock;
  }

  /** Returns the scheduler that runs everything in this world. */
  public SimulatedScheduler scheduler() {
    return scheduler;
  }

  /** Returns the network. */
  public SimulatedNetwork network() {
    return network;
  }

  /** Returns the trace of events. */
  public Trace trace() {
    return trace;
  }

  /** Returns a new generator, derived from the seed, for one component of the run. */
  public RandomGenerator newRandom() {
    return random.split();
  }

  /**
   * Runs tasks until none is left.
   *
   * @param maxTasks a bound, so that a component that reschedules itself forever fails the run
   *     instead of hanging it
   * @throws IllegalStateException if tasks are still waiting after {@code maxTasks}
   */
  public void runUntilIdle(long maxTasks) {
    for (long i = 0; i < maxTasks; i++) {
      if (!scheduler.runNext()) {
        return;
      }
    }
    throw new IllegalStateException("still busy after " + maxTasks + " tasks; " + describe());
  }

  /** Runs every task due within {@code duration} of virtual time, then moves the clock to its end. */
  public void runFor(Duration duration) {
    long end = clock.nanoTime() + duration.toNanos();
    while (scheduler.nextDueNanos() <= end) {
      scheduler.runNext();
    }
    scheduler.idleUntil(end);
  }

  /**
   * Runs tasks until {@code condition} holds.
   *
   * @throws IllegalStateException if it does not hold within {@code limit} of virtual time
   */
  public void runUntil(BooleanSupplier condition, Duration limit) {
    long end = clock.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (scheduler.nextDueNanos() > end) {
        throw new IllegalStateException("condition not met within " + limit + " of virtual time; " + describe());
      }
      scheduler.runNext();
    }
  }

  /**
   * Runs tasks until {@code future} completes, then returns its value or throws its failure (as
   * {@link java.util.concurrent.CompletionException}).
   */
  public <T> T await(CompletableFuture<T> future, Duration limit) {
    Objects.requireNonNull(future, "future");
    runUntil(future::isDone, limit);
    return future.join();
  }

  /** Names the seed, the virtual time and the network's counters: print it when a run fails. */
  public String describe() {
    return "seed=" + seed + " (replay with -Dsim.seed=" + seed + "), t=" + clock.elapsed()
        + ", tasks run=" + scheduler.executed() + ", network " + network.stats();
  }
}
