package io.dynamokv.testkit;

import io.dynamokv.Endpoint;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.RequestHandler;
import io.dynamokv.spi.RequestTimeoutException;
import io.dynamokv.spi.Scheduler;
import io.dynamokv.spi.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps any {@link Transport} (the simulated one or a socket transport) with switchable faults,
 * for tests and demos: requests to blocked peers get no reply and time out, as across a network
 * partition; and replies to requests this node serves can be delayed, as by a slow node.
 * Blocking both directions of a partition means blocking it on both sides' transports.
 *
 * <p>Thread-safe; faults can be switched while requests run.
 */
public final class FaultyTransport implements Transport {

  private final Transport delegate;
  private final Scheduler scheduler;
  private final Set<Endpoint> blocked = ConcurrentHashMap.newKeySet();
  private volatile Duration replyDelay = Duration.ZERO;

  /** Wraps {@code delegate}; deadlines and delays run on {@code scheduler}. */
  public FaultyTransport(Transport delegate, Scheduler scheduler) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Requests to {@code peers} get no reply until {@link #heal()}. */
  public void block(Set<Endpoint> peers) {
    blocked.addAll(peers);
  }

  /** Unblocks every peer and removes the reply delay. */
  public void heal() {
    blocked.clear();
    replyDelay = Duration.ZERO;
  }

  /** Delays every reply this node sends by {@code delay} (zero to stop). */
  public void delayReplies(Duration delay) {
    replyDelay = Objects.requireNonNull(delay, "delay");
  }

  @Override
  public void start(RequestHandler handler) {
    delegate.start(new DelayingHandler(handler));
  }

  /**
   * The node's handler with the reply delay added. It keeps which requests the handler serves
   * without blocking ({@link RequestHandler#handleWithoutBlocking}; a delay only schedules a
   * task): without them every request of a node behind this wrapper took two more thread
   * hand-offs. And it passes
   * on the sender's identity, without which a node behind it would check no certificate.
   */
  private final class DelayingHandler implements RequestHandler {
    private final RequestHandler handler;

    DelayingHandler(RequestHandler handler) {
      this.handler = handler;
    }

    @Override
    public boolean servesWithoutBlocking(Message request) {
      return handler.servesWithoutBlocking(request);
    }

    @Override
    public java.util.Optional<CompletableFuture<Message>> handleWithoutBlocking(Message request,
        java.util.Optional<io.dynamokv.spi.PeerIdentity> peer) {
      return handler.handleWithoutBlocking(request, peer).map(this::delayed);
    }

    @Override
    public CompletableFuture<Message> handle(Message request) {
      return delayed(handler.handle(request));
    }

    /** Passes on who the transport proved the sender to be, which the node checks. */
    @Override
    public CompletableFuture<Message> handle(Message request, java.util.Optional<io.dynamokv.spi.PeerIdentity> peer) {
      return delayed(handler.handle(request, peer));
    }

    private CompletableFuture<Message> delayed(CompletableFuture<Message> reply) {
      Duration delay = replyDelay;
      if (delay.isZero()) {
        return reply;
      }
      CompletableFuture<Message> late = new CompletableFuture<>();
      reply.whenComplete((m, t) -> scheduler.schedule(delay, () -> {
        if (t != null) {
          late.completeExceptionally(t);
        } else {
          late.complete(m);
        }
      }));
      return late;
    }
  }

  @Override
  public Endpoint localEndpoint() {
    return delegate.localEndpoint();
  }

  @Override
  public boolean authenticatesPeers() {
    return delegate.authenticatesPeers();
  }

  @Override
  public CompletableFuture<Message> request(Endpoint peer, Message request, Duration timeout) {
    if (peer != null && blocked.contains(peer)) {
      CompletableFuture<Message> lost = new CompletableFuture<>();
      scheduler.schedule(timeout, () -> lost.completeExceptionally(
          new RequestTimeoutException(peer, timeout, request.getClass().getSimpleName())));
      return lost;
    }
    return delegate.request(peer, request, timeout);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
