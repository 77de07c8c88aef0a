package io.dynamokv;

/** A value could not be encoded, or stored bytes could not be decoded, by the store's codec. */
public final class CodecException extends DynamoException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
