package io.dynamokv.examples.bench;

import io.dynamokv.Context;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark client's last context per record, kept as bytes in one array instead of one
 * object graph per record. Measured: with a {@code Context} object per record, the contexts
 * written since the last young collection were all still live at it, and copying them (several
 * times, until they were old enough to promote) was most of every pause: about 20-30 ms in the
 * one-JVM benchmark, which is the client's garbage, not the nodes'. A context too long for its
 * slot goes to a map (none of the benchmark's do: three actors fit).
 *
 * <p>Thread-safe: a slot is read and written under its stripe's lock.
 */
final class ContextSlab {

  private static final int SLOT = 96;
  private static final int STRIPES = 256;

  private final byte[] slots;
  private final Object[] locks = new Object[STRIPES];
  private final ConcurrentHashMap<Integer, Context> overflow = new ConcurrentHashMap<>();

  ContextSlab(int records) {
    slots = new byte[Math.multiplyExact(records, SLOT)];
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** The context last stored for {@code record}, or {@link Context#EMPTY}. */
  Context get(int record) {
    byte[] bytes;
    synchronized (locks[record % STRIPES]) {
      int at = record * SLOT;
      int length = slots[at] & 0xFF;
      if (length == 0) {
        return Context.EMPTY;
      }
      if (length == 0xFF) {
        return overflow.getOrDefault(record, Context.EMPTY);
      }
      bytes = java.util.Arrays.copyOfRange(slots, at + 1, at + 1 + length);
    }
    return Context.fromBytes(bytes);
  }

  /** Stores {@code context} as the last one of {@code record}. */
  void set(int record, Context context) {
    byte[] bytes = context.toBytes();
    synchronized (locks[record % STRIPES]) {
      int at = record * SLOT;
      if (bytes.length < SLOT - 1) {
        slots[at] = (byte) bytes.length;
        System.arraycopy(bytes, 0, slots, at + 1, bytes.length);
        overflow.remove(record);
      } else {
        slots[at] = (byte) 0xFF;
        overflow.put(record, context);
      }
    }
  }
}
