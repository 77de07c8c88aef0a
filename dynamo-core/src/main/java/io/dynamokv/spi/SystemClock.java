package io.dynamokv.spi;

/** The machine's clocks. This is the one place in the core that reads real time. */
public enum SystemClock implements Clock {
  /** The only instance. */
  INSTANCE;

  @Override
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
