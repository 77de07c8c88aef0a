package io.dynamokv.testkit;

import io.dynamokv.Endpoint;
import io.dynamokv.spi.Cancellable;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.PeerUnreachableException;
import io.dynamokv.spi.RemoteFailureException;
import io.dynamokv.spi.RequestHandler;
import io.dynamokv.spi.RequestTimeoutException;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.TransportClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A {@link Transport} over the {@link SimulatedNetwork}. A request and its reply are two
 * messages, each subject to the network's faults; the deadline is an event on the simulated
 * scheduler. A request to an endpoint where nothing listens fails with
 * {@link PeerUnreachableException} one round trip later, as a refused connection would.
 *
 * <p>Runs on the simulation's thread only.
 */
final class SimulatedTransport implements Transport {

  private final SimulatedNetwork network;
  private final Endpoint endpoint;
  private final Map<Long, Pending> pending = new HashMap<>();
  private RequestHandler handler;
  private long nextId;
  private boolean closed;

  private record Pending(Endpoint peer, CompletableFuture<Message> reply, Cancellable deadline) {}

  SimulatedTransport(SimulatedNetwork network, Endpoint endpoint) {
    this.network = network;
    this.endpoint = endpoint;
  }

  @Override
  public void start(RequestHandler handler) {
    Objects.requireNonNull(handler, "handler");
    if (closed) {
      throw new IllegalStateException("transport at " + endpoint + " is closed");
    }
    if (this.handler != null) {
      throw new IllegalStateException("transport at " + endpoint + " is already started");
    }
    network.listen(endpoint, this);
    this.handler = handler;
    network.trace().record(endpoint + " listening");
  }

  /** True: the simulated network has no one on it but the simulation's nodes. */
  @Override
  public boolean authenticatesPeers() {
    return true;
  }

  @Override
  public Endpoint localEndpoint() {
    return endpoint;
  }

  @Override
  public CompletableFuture<Message> request(Endpoint peer, Message request, Duration timeout) {
    CompletableFuture<Message> reply = new CompletableFuture<>();
    try {
      Objects.requireNonNull(peer, "peer");
      Objects.requireNonNull(request, "request");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout : " + timeout + " (expected: > 0)");
      }
    } catch (RuntimeException e) {
      reply.completeExceptionally(e);
      return reply;
    }
    if (closed) {
      reply.completeExceptionally(new TransportClosedException(peer));
      return reply;
    }
    long id = nextId++;
    String label = network.tracesMessages() ? "req#" + id + " " + request : "";
    Cancellable deadline = network.scheduler().schedule(timeout, () -> {
      Pending p = pending.remove(id);
      if (p != null) {
        network.trace().record(endpoint + " timeout " + label);
        p.reply.completeExceptionally(new RequestTimeoutException(peer, timeout, request.toString()));
      }
    });
    pending.put(id, new Pending(peer, reply, deadline));
    network.transmit(endpoint, peer, label, () -> arriveAtPeer(peer, id, request, label));
    return reply;
  }

  private void arriveAtPeer(Endpoint peer, long id, Message request, String label) {
    SimulatedTransport server = network.listener(peer);
    if (server == null) {
      network.transmit(peer, endpoint, network.tracesMessages() ? "refused " + label : "", () -> complete(id, null,
          new PeerUnreachableException(peer, "connection refused: nothing listens there", null)));
      return;
    }
    CompletableFuture<Message> handled;
    try {
      // The two steps a real transport takes: what the handler serves on an I/O thread, else the rest.
      handled = server.handler.handleWithoutBlocking(request, java.util.Optional.empty())
          .orElseGet(() -> server.handler.handle(request));
    } catch (RuntimeException e) {
      handled = CompletableFuture.failedFuture(e);
    }
    handled.whenComplete((message, failure) -> {
      if (server.closed) {
        return; // a closed server sends nothing
      }
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        String why = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        network.transmit(peer, endpoint, network.tracesMessages() ? "error " + label : "",
            () -> complete(id, null, new RemoteFailureException(peer, why)));
      } else {
        network.transmit(peer, endpoint, network.tracesMessages() ? "reply " + label + " = " + message : "",
            () -> complete(id, message, null));
      }
    });
  }

  private void complete(long id, Message message, RuntimeException failure) {
    Pending p = pending.remove(id);
    if (p == null) {
      return; // timed out, closed, or a duplicate
    }
    p.deadline.cancel();
    if (failure != null) {
      p.reply.completeExceptionally(failure);
    } else if (message == null) {
      p.reply.completeExceptionally(new RemoteFailureException(p.peer, "handler replied with null"));
    } else {
      p.reply.complete(message);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    network.unlisten(endpoint, this);
    List<Pending> failed = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : failed) {
      p.deadline.cancel();
      p.reply.completeExceptionally(new TransportClosedException(p.peer));
    }
    network.trace().record(endpoint + " closed, failed " + failed.size() + " pending requests");
  }

  @Override
  public String toString() {
    return "SimulatedTransport{" + endpoint + (closed ? ", closed" : "") + "}";
  }
}
