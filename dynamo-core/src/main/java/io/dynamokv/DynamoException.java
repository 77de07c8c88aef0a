package io.dynamokv;

/**
 * The failures of a store operation that are not the caller's argument errors (those are
 * {@link IllegalArgumentException}s, thrown at once): not enough replicas, a value the codec
 * cannot read or write, a node that is not running.
 */
public abstract sealed class DynamoException extends RuntimeException
    permits InsufficientReplicasException, CodecException, NodeNotRunningException {

  private static final long serialVersionUID = 1L;

  DynamoException(String message, Throwable cause) {
    super(message, cause);
  }
}
