package io.dynamokv.internal.wire;

import io.dynamokv.spi.Message;
import java.util.Objects;

/**
 * One unit on a connection: a request, or the response to the request with the same id. Many
 * requests share one connection; ids tell their responses apart.
 */
public record Frame(long requestId, boolean response, WireMessage message) {

  /** Validates the parts. */
  public Frame {
    Objects.requireNonNull(message, "message");
  }

  /** Returns a request frame. */
  public static Frame request(long requestId, Message message) {
    return new Frame(requestId, false, WireMessage.of(message));
  }

  /** Returns the response frame to request {@code requestId}. */
  public static Frame response(long requestId, Message message) {
    return new Frame(requestId, true, WireMessage.of(message));
  }
}
