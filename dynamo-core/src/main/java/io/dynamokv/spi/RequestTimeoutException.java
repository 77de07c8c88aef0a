package io.dynamokv.spi;

import io.dynamokv.Endpoint;
import java.time.Duration;

/** No reply came from the peer before the request's deadline. */
public final class RequestTimeoutException extends TransportException {

  private static final long serialVersionUID = 1L;

  private final transient Duration timeout;

  /** Creates the exception for a request to {@code peer} that waited {@code timeout}. */
  public RequestTimeoutException(Endpoint peer, Duration timeout, String request) {
    super(peer, "no reply from " + peer + " within " + timeout.toMillis() + " ms to " + request, null);
    this.timeout = timeout;
  }

  /** Returns the deadline the request had. */
  public Duration timeout() {
    return timeout;
  }
}
