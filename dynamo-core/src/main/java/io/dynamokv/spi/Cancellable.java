package io.dynamokv.spi;

/** A handle on a scheduled task. */
@FunctionalInterface
public interface Cancellable {

  /**
   * Stops the task from running if it has not started.
   *
   * @return whether this call prevented the task from running
   */
  boolean cancel();
}
