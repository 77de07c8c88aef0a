package io.dynamokv.spi;

/** A storage engine could not do what was asked: an I/O error, a closed engine, a lock held. */
public class StorageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception. */
  public StorageException(String message) {
    super(message);
  }
}
