package io.dynamokv.spi;

import java.util.concurrent.CompletableFuture;

/**
 * Serves the requests that arrive at a node. The transport calls it on its request executor, so
 * it may do short blocking work such as a local storage read; longer work should complete the
 * returned future later. A request that {@link #handleWithoutBlocking} serves is served on the
 * I/O thread that decoded it instead, saving two thread hand-offs.
 */
@FunctionalInterface
public interface RequestHandler {

  /**
   * Handles {@code request}. The reply is sent when the future completes; if it completes
   * exceptionally the caller's future fails with a {@link RemoteFailureException} carrying the
   * message.
   */
  CompletableFuture<Message> handle(Message request);

  /**
   * Handles {@code request} from a peer the transport authenticated as {@code peer} (empty when
   * it authenticates no one, as without TLS). The default ignores who sent it; a node's handler
   * checks that the peer may ask this, and that a node speaks only for itself.
   */
  default CompletableFuture<Message> handle(Message request, java.util.Optional<PeerIdentity> peer) {
    return handle(request);
  }

  /**
   * Whether {@link #handle} serves {@code request} without ever blocking (it only computes a
   * little and queues work, as a storage update does), so that the transport may call it on an
   * I/O thread. Must itself be quick. The default, false, is always safe.
   */
  default boolean servesWithoutBlocking(Message request) {
    return false;
  }

  /**
   * Serves {@code request} from {@code peer} here, on the transport's I/O thread, if that needs
   * no blocking, and returns its reply; or returns empty, and the transport then calls
   * {@link #handle} on its request executor. The transport calls this for every request. The
   * default serves what {@link #servesWithoutBlocking} names. A handler that learns whether it can
   * serve a request only by trying (a read that finds its key in memory, or would wait for the
   * disk) overrides it, so that it looks once, not once to decide and once to serve.
   */
  default java.util.Optional<CompletableFuture<Message>> handleWithoutBlocking(Message request,
      java.util.Optional<PeerIdentity> peer) {
    return servesWithoutBlocking(request) ? java.util.Optional.of(handle(request, peer)) : java.util.Optional.empty();
  }
}
