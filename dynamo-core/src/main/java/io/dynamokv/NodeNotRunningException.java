package io.dynamokv;

/** The node was not started yet, or is closed. */
public final class NodeNotRunningException extends DynamoException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public NodeNotRunningException(String message) {
    super(message, null);
  }
}
