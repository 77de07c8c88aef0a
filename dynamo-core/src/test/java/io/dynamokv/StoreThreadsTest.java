package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.spi.Cancellable;
import io.dynamokv.spi.ExecutorScheduler;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where a store's work runs: the asynchronous forms hand results to the node's scheduler (no
 * application callback on an I/O or storage thread), the blocking forms finish on the caller's
 * thread without that hop. A one-node cluster (N=R=W=1) on real threads: its operations need no
 * network, so the simulated one is never stepped.
 */
@Timeout(60)
class StoreThreadsTest {

  /** The node's scheduler, counting the tasks handed to it to run now. */
  private static final class CountingScheduler implements Scheduler, AutoCloseable {
    final ExecutorScheduler delegate = new ExecutorScheduler("store-threads", 2, Duration.ofSeconds(5));
    final AtomicInteger executed = new AtomicInteger();

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
      return delegate.schedule(delay, task);
    }

    @Override
    public void execute(Runnable task) {
      executed.incrementAndGet();
      delegate.execute(task);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  private final CountingScheduler scheduler = new CountingScheduler();
  private final DynamoNode node = DynamoNode.newBuilder(NodeId.of("a"))
      .storage(StorageEngine.inMemory())
      .transport(new Simulation(1).network().transport(Endpoint.of("a", 1)))
      .scheduler(scheduler)
      .member(NodeId.of("a"), Endpoint.of("a", 1))
      .replication(Replication.of(1, 1, 1))
      .build();
  private Store<String> store;

  private Store<String> store() {
    if (store == null) {
      node.start();
      store = node.store("s", Codec.utf8());
    }
    return store;
  }

  @AfterEach
  void close() {
    node.close();
    scheduler.close();
  }

  @Test
  void blockingFormsFinishOnTheCallersThread() {
    Store<String> s = store();
    int before = scheduler.executed.get();
    for (int i = 0; i < 50; i++) {
      Context written = s.put("k" + i, Context.EMPTY, "v" + i);
      GetResult<String> read = s.get("k" + i);
      assertThat(read.value()).contains("v" + i);
      assertThat(s.update("k" + i, v -> v.orElseThrow() + "!")).isEqualTo("v" + i + "!");
      assertThat(written).isNotNull();
      s.delete("k" + i, s.get("k" + i).context());
      assertThat(s.get("k" + i).value()).isEmpty();
    }
    assertThat(scheduler.executed.get() - before).as("tasks handed to the scheduler").isZero();
  }

  @Test
  void blockingFormsOfTheBuiltInTypesFinishOnTheCallersThread() {
    store();
    CounterStore counters = node.counters("c");
    SetStore<String> sets = node.sets("t", Codec.utf8());
    FlagStore flags = node.flags("f");
    MapStore maps = node.maps("m");
    int before = scheduler.executed.get();
    for (int i = 0; i < 20; i++) {
      assertThat(counters.increment("k", 2)).isEqualTo(2L * (i + 1));
      assertThat(counters.get("k")).isEqualTo(2L * (i + 1));
      sets.add("k", "e" + i);
      SetRead<String> read = sets.get("k");
      sets.remove("k", read, "e" + i);
      assertThat(sets.get("k").elements()).isEmpty();
      flags.enable("k" + i);
      assertThat(flags.get("k" + i)).isTrue();
      flags.disable("k" + i);
      // A key each: two writes of a register in one millisecond keep the larger value, not the last.
      maps.update("k" + i, new MapUpdate().register("f", Codec.utf8(), "v" + i));
      assertThat(maps.get("k" + i).register("f", Codec.utf8())).contains("v" + i);
    }
    assertThat(scheduler.executed.get() - before).as("tasks handed to the scheduler").isZero();
  }

  @Test
  void asynchronousFormsCompleteOnTheSchedulersThreads() {
    Store<String> s = store();
    int before = scheduler.executed.get();
    for (int i = 0; i < 20; i++) {
      String key = "k" + i;
      CompletableFuture<String> threads = s.putAsync(key, Context.EMPTY, "v")
          .thenApply(ctx -> Thread.currentThread().getName())
          .thenCombine(s.updateAsync(key + "u", v -> "w").thenApply(v -> Thread.currentThread().getName()),
              (a, b) -> a + " " + b)
          .thenCombine(s.getAsync(key).thenApply(r -> Thread.currentThread().getName()), (a, b) -> a + " " + b);
      for (String thread : threads.join().split(" ")) {
        // a callback attached after completion runs on the attaching thread (main): either is allowed
        assertThat(thread).matches("store-threads-\\d+|main");
      }
    }
    assertThat(scheduler.executed.get() - before).as("tasks handed to the scheduler").isGreaterThanOrEqualTo(60);
  }

  @Test
  void blockingFormsThrowTheFailureItself() {
    Store<String> s = store();
    assertThatThrownBy(() -> s.put("", Context.EMPTY, "v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key length : 0 bytes");
    assertThatThrownBy(() -> s.update("k", v -> null)).isInstanceOf(NullPointerException.class)
        .hasMessage("change returned null");
    assertThat(s.get("absent").value()).isEqualTo(Optional.empty());
  }
}
