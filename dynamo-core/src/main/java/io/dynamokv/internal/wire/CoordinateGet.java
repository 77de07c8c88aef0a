package io.dynamokv.internal.wire;

import io.dynamokv.spi.StorageKey;
import java.util.Objects;

/**
 * A read sent to a node to coordinate, as a client outside the cluster does (a load balancer's
 * pick, in the paper's terms): the node reads {@code r} of the key's {@code n} replicas, repairs
 * those that lag, and answers with a {@link ReplicaGetReply} of the merged set, or a
 * {@link Failure}.
 */
public record CoordinateGet(String store, Bytes key, int n, int r, int timeoutMillis) implements WireMessage {

  /** Validates the parts. */
  public CoordinateGet {
    StorageKey.validateStore(store);
    Objects.requireNonNull(key, "key");
    checkQuorum(n, "r", r, timeoutMillis);
  }

  /** Returns the read of {@code key} (copied) of {@code store}. */
  public CoordinateGet(String store, byte[] key, int n, int r, int timeoutMillis) {
    this(store, Bytes.of(key), n, r, timeoutMillis);
  }

  /** Checks N (1..255), a quorum {@code name} of it (1..N) and a deadline, as both coordinated requests carry. */
  static void checkQuorum(int n, String name, int quorum, int timeoutMillis) {
    if (n < 1 || n > 255) {
      throw new IllegalArgumentException("n : " + n + " (expected: 1..255)");
    }
    if (quorum < 1 || quorum > n) {
      throw new IllegalArgumentException(name + " : " + quorum + " (expected: 1..n = " + n + ")");
    }
    if (timeoutMillis < 1) {
      throw new IllegalArgumentException("timeoutMillis : " + timeoutMillis + " (expected: >= 1)");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.COORDINATE_GET;
  }
}
