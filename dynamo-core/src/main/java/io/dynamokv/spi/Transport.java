package io.dynamokv.spi;

import io.dynamokv.Endpoint;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Request/response messaging between nodes: the core's view of the network.
 *
 * <p>Every request has a deadline. The returned future never blocks and never throws: it
 * completes with the reply, or exceptionally with a {@link TransportException} that names the
 * peer: {@link RequestTimeoutException} when the deadline passes,
 * {@link PeerUnreachableException} when the peer cannot be reached,
 * {@link RemoteFailureException} when its handler failed, {@link TransportClosedException} when
 * this transport closes first. Futures complete on a transport thread; callers hand heavy work
 * elsewhere.
 *
 * <p>Lifecycle: {@link #start} once, then requests, then {@link #close} (idempotent), which
 * fails pending requests and stops serving.
 */
public interface Transport extends AutoCloseable {

  /** Starts serving requests with {@code handler}; requests may be sent before or after. */
  void start(RequestHandler handler);

  /** Returns where this transport accepts requests (with the real port once started). */
  Endpoint localEndpoint();

  /** Sends {@code request} to {@code peer} and completes with its reply, or fails by the deadline. */
  CompletableFuture<Message> request(Endpoint peer, Message request, Duration timeout);

  /**
   * Returns whether this transport lets only authenticated peers in (mutual TLS, a cluster
   * secret, or no network at all). A node on a transport that does not warns at start: anyone who
   * can reach it can then change the cluster.
   */
  default boolean authenticatesPeers() {
    return false;
  }

  /**
   * Returns the transport's own counters (each name starting with {@code "transport."}), which a
   * node adds to {@code DynamoNode.metrics()}, such as the bytes it received. None by default.
   * May be called from any thread, also after close.
   */
  default java.util.Map<String, Long> metrics() {
    return java.util.Map.of();
  }

  /** Stops serving and fails pending requests with {@link TransportClosedException}. */
  @Override
  void close();
}
