package io.dynamokv;

import java.util.Map;

/**
 * A client could not learn the cluster's ring: no seed answered with one in time. Names each
 * seed and why it did not.
 */
public final class SeedsUnreachableException extends DynamoException {

  private static final long serialVersionUID = 1L;

  private final transient Map<Endpoint, String> failures;

  /**
   * Creates the exception.
   *
   * @param failures why each seed did not give the ring, by seed
   * @param timeoutMillis how long each seed was given
   */
  public SeedsUnreachableException(Map<Endpoint, String> failures, long timeoutMillis) {
    super("no seed of " + failures.keySet() + " gave the cluster's ring within " + timeoutMillis
        + " ms (expected: a node of the cluster at one of them): " + failures, null);
    this.failures = Map.copyOf(failures);
  }

  /** Returns why each seed did not give the ring, by seed. */
  public Map<Endpoint, String> failures() {
    return failures;
  }
}
