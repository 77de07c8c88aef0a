package io.dynamokv.spi;

import io.dynamokv.Endpoint;

/** The peer received the request, but its handler failed; the message is the peer's. */
public final class RemoteFailureException extends TransportException {

  private static final long serialVersionUID = 1L;

  private final String remoteMessage;

  /** Creates the exception with the peer's description of its failure. */
  public RemoteFailureException(Endpoint peer, String remoteMessage) {
    super(peer, peer + " failed to handle the request: " + remoteMessage, null);
    this.remoteMessage = remoteMessage;
  }

  /** Returns the peer's description of its failure. */
  public String remoteMessage() {
    return remoteMessage;
  }
}
