package io.dynamokv;

import java.util.Objects;

/**
 * Where a node listens: a host name or literal address, and a port. For the simulated network
 * the host is just a name.
 */
public record Endpoint(String host, int port) {

  /** Validates the parts. */
  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host : \"" + host + "\" (expected: not blank)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port : " + port + " (expected: 0..65535)");
    }
  }

  /** Returns the endpoint {@code host:port}. */
  public static Endpoint of(String host, int port) {
    return new Endpoint(host, port);
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
