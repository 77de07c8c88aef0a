package io.dynamokv.spi;

import io.dynamokv.spi.version.DecodeException;

/**
 * A stored value did not decode. Names the key, so an operator can find it; the rest of the
 * store stays readable, and anti-entropy can restore the key from another replica.
 */
public final class CorruptValueException extends StorageException {

  private static final long serialVersionUID = 1L;

  private final transient StorageKey key;

  /** Creates the exception for {@code key}. */
  public CorruptValueException(StorageKey key, DecodeException cause) {
    super("stored value of " + key + " is corrupt: " + cause.getMessage(), cause);
    this.key = key;
  }

  /** Returns the key whose value is corrupt. */
  public StorageKey key() {
    return key;
  }
}
