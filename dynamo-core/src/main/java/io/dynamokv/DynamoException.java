package io.dynamokv;

/**
 * The failures of a store operation that are not the caller's argument errors: not enough
 * replicas, a value the codec cannot read or write, a node that is not running.
 *
 * <p>Argument errors follow one rule everywhere in the API: a {@code null} where a value is
 * required is a {@link NullPointerException} whose message names the argument; any other bad
 * value (out of range, too long, not valid Unicode, bytes that do not decode) is an
 * {@link IllegalArgumentException} that names the argument, the value and what was expected.
 * Blocking methods and builders throw them at once; asynchronous methods never throw and fail
 * their future with them instead.
 */
public abstract sealed class DynamoException extends RuntimeException
    permits InsufficientReplicasException, CodecException, NodeNotRunningException,
    SeedsUnreachableException {

  private static final long serialVersionUID = 1L;

  DynamoException(String message, Throwable cause) {
    super(message, cause);
  }
}
