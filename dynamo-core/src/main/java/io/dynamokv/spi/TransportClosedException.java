package io.dynamokv.spi;

import io.dynamokv.Endpoint;

/** The local transport was closed before the request completed, or before it was sent. */
public final class TransportClosedException extends TransportException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception for a request to {@code peer}. */
  public TransportClosedException(Endpoint peer) {
    super(peer, "transport closed before the request to " + peer + " completed", null);
  }
}
