package io.dynamokv.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.TransportContract;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;

/** The transport contract over Netty on loopback. */
class NettyTransportContractTest extends TransportContract {

  static {
    NettyLeakTracker.install();
  }

  static NettyTransport transportAt(Endpoint bind) {
    return NettyTransport.create(NettyTransportConfig.newBuilder(bind)
        .ioThreads(1)
        .handlerThreads(2)
        .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .build());
  }

  /** Waits for a condition with a deadline: real sockets need real time. */
  static void awaitTrue(BooleanSupplier condition, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + limit);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  static <T> T awaitFuture(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("no result within 30 s", e);
    }
  }

  static Endpoint unusedLoopbackEndpoint() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return Endpoint.of("127.0.0.1", s.getLocalPort());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected Harness newHarness() {
    return new Harness() {
      @Override
      public Transport newTransport() {
        return transportAt(Endpoint.of("127.0.0.1", 0));
      }

      @Override
      public Transport newTransport(Endpoint endpoint) {
        return transportAt(endpoint);
      }

      @Override
      public Endpoint unusedEndpoint() {
        return unusedLoopbackEndpoint();
      }

      @Override
      public <T> T await(CompletableFuture<T> future) {
        return awaitFuture(future);
      }

      @Override
      public void awaitCondition(BooleanSupplier condition) {
        awaitTrue(condition, Duration.ofSeconds(30));
      }

      @Override
      public void close() {}
    };
  }

  @AfterAll
  static void noBufferLeaked() {
    assertThat(NettyLeakTracker.collectLeaks()).isEmpty();
  }
}
