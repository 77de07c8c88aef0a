package io.dynamokv;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fewer replicas answered than the operation required (R for a read, W for a write) before its
 * deadline. Says how many were required, how many succeeded, and why each other one failed.
 *
 * <p>A write that fails this way may still have reached some replicas: it is not acknowledged,
 * but it may become visible, and a retry with the same context makes a sibling of it rather
 * than losing either.
 */
public final class InsufficientReplicasException extends DynamoException {

  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int required;
  private final int succeeded;
  private final transient Map<NodeId, String> failures;

  /**
   * Creates the exception.
   *
   * @param operation what was attempted, e.g. "put carts/alice"
   * @param required the replicas needed (R or W)
   * @param succeeded the replicas that answered successfully
   * @param failures why each failed replica failed
   */
  public InsufficientReplicasException(String operation, int required, int succeeded, Map<NodeId, String> failures) {
    super(operation + ": " + succeeded + " of " + required + " required replicas succeeded; failures: "
        + (failures.isEmpty() ? "none reported (deadline passed)" : failures), null);
    this.operation = operation;
    this.required = required;
    this.succeeded = succeeded;
    this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
  }

  /** Returns what was attempted. */
  public String operation() {
    return operation;
  }

  /** Returns how many replicas had to succeed. */
  public int required() {
    return required;
  }

  /** Returns how many did. */
  public int succeeded() {
    return succeeded;
  }

  /** Returns why each failed replica failed, by node. */
  public Map<NodeId, String> failures() {
    return failures;
  }
}
