package io.dynamokv.spi;

import io.dynamokv.Endpoint;

/** The peer could not be reached: nothing listens there, or the connection failed. */
public final class PeerUnreachableException extends TransportException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; {@code cause} may be null. */
  public PeerUnreachableException(Endpoint peer, String reason, Throwable cause) {
    super(peer, peer + " is unreachable: " + reason, cause);
  }
}
