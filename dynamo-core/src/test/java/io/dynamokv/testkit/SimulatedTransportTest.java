package io.dynamokv.testkit;

import io.dynamokv.Endpoint;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.TransportContract;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/** The transport contract over the simulated network. */
class SimulatedTransportTest extends TransportContract {

  @Override
  protected Harness newHarness() {
    Simulation sim = new Simulation(20261122L);
    return new Harness() {
      private int next;

      @Override
      public Transport newTransport() {
        return newTransport(Endpoint.of("node-" + next++, 7000));
      }

      @Override
      public Transport newTransport(Endpoint endpoint) {
        return sim.network().transport(endpoint);
      }

      @Override
      public Endpoint unusedEndpoint() {
        return Endpoint.of("nobody", 7000);
      }

      @Override
      public <T> T await(CompletableFuture<T> future) {
        return sim.await(future, Duration.ofMinutes(5));
      }

      @Override
      public void awaitCondition(BooleanSupplier condition) {
        sim.runUntil(condition, Duration.ofMinutes(5));
      }

      @Override
      public void close() {}
    };
  }
}
