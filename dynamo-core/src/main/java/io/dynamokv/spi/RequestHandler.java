package io.dynamokv.spi;

import io.dynamokv.wire.Message;
import java.util.concurrent.CompletableFuture;

/**
 * Serves the requests that arrive at a node. The transport calls it on its request executor,
 * never on an I/O thread, so it may do short blocking work such as a local storage read; longer
 * work should complete the returned future later.
 */
@FunctionalInterface
public interface RequestHandler {

  /**
   * Handles {@code request}. The reply is sent when the future completes; if it completes
   * exceptionally the caller's future fails with a {@link RemoteFailureException} carrying the
   * message.
   */
  CompletableFuture<Message> handle(Message request);
}
