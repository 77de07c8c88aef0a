package io.dynamokv.spi;

import java.util.concurrent.CompletableFuture;

/**
 * Serves the requests that arrive at a node. The transport calls it on its request executor, so
 * it may do short blocking work such as a local storage read; longer work should complete the
 * returned future later. A request for which {@link #servesWithoutBlocking} says so is served on
 * the I/O thread that decoded it instead, saving two thread hand-offs.
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
}
