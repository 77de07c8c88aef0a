package io.dynamokv.spi;

import io.dynamokv.Endpoint;
import java.util.Objects;

/** A request that got no reply, and why. Carries the peer it was sent to. */
public abstract sealed class TransportException extends RuntimeException
    permits RequestTimeoutException, PeerUnreachableException, PeerBusyException, RemoteFailureException,
        TransportClosedException {

  private static final long serialVersionUID = 1L;

  private final transient Endpoint peer;

  TransportException(Endpoint peer, String message, Throwable cause) {
    super(message, cause);
    this.peer = Objects.requireNonNull(peer, "peer");
  }

  /** Returns the node the request was sent to. */
  public Endpoint peer() {
    return peer;
  }
}
