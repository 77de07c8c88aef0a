package io.dynamokv;

import io.dynamokv.internal.Utf8;
import java.util.Objects;

/**
 * The name of a node in a cluster, chosen by the operator and stable across restarts.
 *
 * <p>A node id is 1 to 255 bytes of UTF-8 without control characters. Ids sort by their
 * string order, which is the order used wherever the library needs a deterministic one.
 */
public record NodeId(String value) implements Comparable<NodeId> {

  /** The longest id accepted, in UTF-8 bytes. */
  public static final int MAX_UTF8_BYTES = 255;

  /** Validates the id. */
  public NodeId {
    Objects.requireNonNull(value, "value");
    int bytes = Utf8.encode("node id", value).length;
    if (bytes == 0 || bytes > MAX_UTF8_BYTES) {
      throw new IllegalArgumentException(
          "node id length : " + bytes + " bytes (expected: 1.." + MAX_UTF8_BYTES + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new IllegalArgumentException("node id " + value.strip() + " contains a control character at " + i);
      }
    }
  }

  /** Returns the id named {@code value}. */
  public static NodeId of(String value) {
    return new NodeId(value);
  }

  @Override
  public int compareTo(NodeId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
