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
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Issue #27: the binder registers a node's counters and latencies, tagged, and they move. */
class DynamoMeterBinderTest {

  @Test
  void countersAndLatenciesAreRegisteredAndMove() {
    try (OneNode one = OneNode.start()) {
      DynamoNode node = one.node();
      Store<String> carts = node.store("carts", Codec.utf8());
      carts.put("alice", Context.EMPTY, "milk");
      MockClock clock = new MockClock();
      SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
      DynamoMeterBinder binder = new DynamoMeterBinder(node);
      binder.bindTo(registry);

      FunctionCounter puts = registry.get("dynamokv.puts").tag("node", node.id().value()).functionCounter();
      assertThat(puts.count()).isEqualTo(1);
      FunctionTimer putTimer = registry.get("dynamokv.requests").tags("op", "put", "store", "carts").functionTimer();
      assertThat(putTimer.count()).isEqualTo(1);
      Gauge p99 = registry.get("dynamokv.latency").tags("op", "put", "store", "carts", "quantile", "0.99").gauge();
      assertThat(p99.value()).isPositive();

      carts.put("bob", Context.EMPTY, "eggs");
      // Meters read one snapshot of the node a second (the registry's time), so a scrape reads it once.
      assertThat(puts.count()).as("within the second of the last snapshot").isEqualTo(1);
      clock.add(java.time.Duration.ofSeconds(2));
      assertThat(puts.count()).as("a counter follows the node").isEqualTo(2);
      assertThat(putTimer.count()).isEqualTo(2);

      // A store used after binding: bound again, its meters appear (registering is idempotent).
      carts.get("alice");
      binder.bindTo(registry);
      clock.add(java.time.Duration.ofSeconds(2));
      assertThat(registry.get("dynamokv.requests").tags("op", "get", "store", "carts").functionTimer().count())
          .isEqualTo(1);
      assertThat(registry.find("dynamokv.puts").functionCounters()).hasSize(1);
    }
  }
}
