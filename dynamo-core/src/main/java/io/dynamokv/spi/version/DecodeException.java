package io.dynamokv.spi.version;

/**
 * Bytes that do not decode: truncated, oversized, of an unknown format version or type, or
 * otherwise malformed. The only exception a decoder of this library throws for bad input.
 */
public final class DecodeException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int position;

  /**
   * Creates the exception.
   *
   * @param message what was expected and what came
   * @param position the offset in the input where decoding failed
   */
  public DecodeException(String message, int position) {
    super(message + " (at byte " + position + ")");
    this.position = position;
  }

  /** Returns the offset in the input where decoding failed. */
  public int position() {
    return position;
  }
}
