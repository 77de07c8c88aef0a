package io.dynamokv.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoNode;
import io.dynamokv.OneNode;
import io.dynamokv.Store;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Issue #27: the binder registers a node's counters and latencies, tagged, and they move. */
class DynamoMeterBinderTest {

  /** Waits (real time: the binder's snapshots are a second old at most) for {@code condition}. */
  private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void countersAndLatenciesAreRegisteredAndMove() throws InterruptedException {
    try (OneNode one = OneNode.start()) {
      DynamoNode node = one.node();
      Store<String> carts = node.store("carts", Codec.utf8());
      carts.put("alice", Context.EMPTY, "milk");
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      DynamoMeterBinder binder = new DynamoMeterBinder(node);
      binder.bindTo(registry);

      FunctionCounter puts = registry.get("dynamokv.puts").tag("node", node.id().value()).functionCounter();
      assertThat(puts.count()).isEqualTo(1);
      FunctionTimer putTimer = registry.get("dynamokv.requests").tags("op", "put", "store", "carts").functionTimer();
      assertThat(putTimer.count()).isEqualTo(1);
      Gauge p99 = registry.get("dynamokv.latency").tags("op", "put", "store", "carts", "quantile", "0.99").gauge();
      assertThat(p99.value()).isPositive();

      carts.put("bob", Context.EMPTY, "eggs");
      // Meters read one snapshot of the node a second, so a scrape costs one read of it.
      awaitCondition(() -> puts.count() == 2 && putTimer.count() == 2);

      // A store used after binding: bound again, its meters appear (registering is idempotent).
      carts.get("alice");
      binder.bindTo(registry);
      FunctionTimer getTimer = registry.get("dynamokv.requests").tags("op", "get", "store", "carts").functionTimer();
      awaitCondition(() -> getTimer.count() == 1);
      assertThat(registry.find("dynamokv.puts").functionCounters()).hasSize(1);
    }
  }
}
