package io.dynamokv.spi;

import io.dynamokv.Endpoint;

/**
 * The request was not sent because the connection to the peer already holds more unsent bytes
 * than its limit: back-pressure, which says the link is full for now, not that the peer failed.
 * A caller may try again later or elsewhere, but should not believe the peer down for it.
 */
public final class PeerBusyException extends TransportException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public PeerBusyException(Endpoint peer, String reason) {
    super(peer, peer + " is busy: " + reason, null);
  }
}
