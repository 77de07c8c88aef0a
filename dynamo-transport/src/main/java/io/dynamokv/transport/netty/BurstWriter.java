package io.dynamokv.transport.netty;

import io.netty.util.concurrent.EventExecutor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands items from any thread to an event loop in bursts: the first item of a burst schedules one
 * task, which writes every item queued by the time it runs and then flushes once. With many
 * requests or replies in flight from many threads, a burst costs one hand-off, one wake-up and
 * one syscall instead of one of each per item.
 *
 * @param <T> what is written
 */
final class BurstWriter<T> {

  private final Queue<T> items = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Consumer<T> write;
  private final Runnable flush;

  /**
   * @param write writes one item without flushing; runs on the loop
   * @param flush flushes what the burst wrote; runs on the loop after each burst
   */
  BurstWriter(Consumer<T> write, Runnable flush) {
    this.write = write;
    this.flush = flush;
  }

  /** Queues {@code item} for {@code loop}, scheduling a drain if none is pending. */
  void add(T item, EventExecutor loop) {
    items.add(item);
    if (scheduled.compareAndSet(false, true)) {
      loop.execute(this::drain);
    }
  }

  private void drain() {
    // Cleared first: an item queued after the last poll below schedules the next drain.
    scheduled.set(false);
    T item;
    while ((item = items.poll()) != null) {
      write.accept(item);
    }
    flush.run();
  }
}
