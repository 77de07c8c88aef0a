package io.dynamokv.internal;

import java.util.concurrent.CompletionException;

/** What a failed future failed with, for the messages and decisions of those that wait on it. */
public final class Failures {

  private Failures() {}

  /** Returns the cause a {@link CompletionException} wraps, or {@code failure} itself. */
  public static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /** Returns the message of {@link #cause}, or its type if it has none. */
  public static String describe(Throwable failure) {
    Throwable cause = cause(failure);
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }
}
