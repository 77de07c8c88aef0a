package io.dynamokv.examples.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: {@code inFlight} operations outstanding at all times, each issued as soon
 * as another completes, for a fixed time after a warm-up that is not recorded. Operations are
 * drawn from a weighted mix; each type has its own latency histogram (nanoseconds, 3 significant
 * digits). A progress line every two seconds shows the rate and, on request, the heap in use.
 */
final class ClosedLoop {

  /** A blocking operation for {@link #threads}. */
  interface BlockingOp {
    void run(SplittableRandom random) throws Exception;
  }

  /**
   * Runs a blocking operation from {@code threads} threads in a loop (the form of closed loop a
   * synchronous API such as RocksDB's takes): as many in flight as threads.
   */
  static LatencyReport threads(String name, int threads, Duration warmup, Duration duration, BlockingOp op)
      throws InterruptedException {
    Histogram histogram = new Histogram(3);
    AtomicLong count = new AtomicLong();
    long start = System.nanoTime();
    long recordFrom = start + warmup.toNanos();
    long end = recordFrom + duration.toNanos();
    System.out.printf(Locale.ROOT, "%s: %d threads, %s warm-up, %s measured%n", name, threads, warmup, duration);
    AtomicLong all = new AtomicLong();
    long cpuStart = cpuNanos.getAsLong();
    long allocatedStart = allocatedBytes.getAsLong();
    Optional<StolenTime.Sample> stolenStart = StolenTime.now();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = new SplittableRandom(t * 31L + 5);
      Thread w = new Thread(() -> {
        Histogram local = new Histogram(3);
        try {
          for (long t0 = System.nanoTime(); t0 < end; t0 = System.nanoTime()) {
            op.run(random);
            all.incrementAndGet();
            long t1 = System.nanoTime();
            if (t0 >= recordFrom && t1 <= end) {
              local.recordValue(t1 - t0);
              count.incrementAndGet();
            }
          }
        } catch (Exception e) {
          System.err.println(name + " failed: " + e);
        }
        synchronized (histogram) {
          histogram.add(local);
        }
      }, "bench-" + t);
      w.start();
      workers.add(w);
    }
    long last = System.nanoTime();
    long lastDone = 0;
    for (Thread w : workers) {
      while (w.isAlive()) {
        w.join(2000);
        long now = System.nanoTime();
        if (w.isAlive()) {
          long done = count.get();
          System.out.printf(Locale.ROOT, "  %s: %d ops recorded (%.0f ops/s)%n", name, done, (done - lastDone) / ((now - last) / 1e9));
          last = now;
          lastDone = done;
        }
      }
    }
    double cpuPerOp = (cpuNanos.getAsLong() - cpuStart) / 1e3 / Math.max(1, all.get());
    double allocatedPerOp = perOp(allocatedStart, allocatedBytes.getAsLong(), all.get());
    synchronized (histogram) {
      return new LatencyReport(name, count.get(), end - recordFrom, histogram.copy(), cpuPerOp, allocatedPerOp,
          StolenTime.share(stolenStart, StolenTime.now()));
    }
  }

  /**
   * Where the CPU time per operation is read: this process by default; the cluster benchmark
   * adds its node processes when it runs them.
   */
  static volatile java.util.function.LongSupplier cpuNanos = LatencyReport::processCpuNanos;

  /**
   * Where the heap bytes allocated are read (-1: not measured): this JVM by default; with node
   * processes the nodes' allocation is not seen here, so the cluster benchmark turns it off.
   */
  static volatile java.util.function.LongSupplier allocatedBytes = LatencyReport::processAllocatedBytes;

  private static double perOp(long start, long now, long ops) {
    return start < 0 || now < 0 ? Double.NaN : (double) (now - start) / Math.max(1, ops);
  }

  /** An operation type of the mix. */
  record Op(String name, double weight, Supplier<CompletableFuture<?>> send) {}

  /** The most heap in use just after any garbage collection so far (live data plus what is not yet collected). */
  static final AtomicLong maxHeapAfterGc = new AtomicLong();
  private static final AtomicLong lastHeapAfterGc = new AtomicLong();
  private static final java.util.Set<String> HEAP_POOLS = java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
      .stream().filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
      .map(java.lang.management.MemoryPoolMXBean::getName).collect(java.util.stream.Collectors.toSet());

  static {
    // Each collector reports the pools' usage right after each collection; with G1 the old
    // generation's own "collection usage" changes only at mixed collections, so polling it misleads.
    for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof javax.management.NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                (javax.management.openmbean.CompositeData) notification.getUserData());
            long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> HEAP_POOLS.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed()).sum();
            lastHeapAfterGc.set(used);
            maxHeapAfterGc.accumulateAndGet(used, Math::max);
          }
        }, null, null);
      }
    }
  }

  private ClosedLoop() {}

  /** Returns the heap in use just after the last garbage collection. */
  static long heapAfterGc() {
    return lastHeapAfterGc.get();
  }

  /** Runs one operation type. */
  static LatencyReport run(String name, int inFlight, Duration warmup, Duration duration,
      Supplier<CompletableFuture<?>> send) throws InterruptedException {
    return run(name, inFlight, warmup, duration, List.of(new Op(name, 1, send))).get(name);
  }

  /** Runs a mix; returns a report per operation type, in the mix's order. */
  static Map<String, LatencyReport> run(String phase, int inFlight, Duration warmup, Duration duration, List<Op> mix)
      throws InterruptedException {
    double total = mix.stream().mapToDouble(Op::weight).sum();
    List<Histogram> histograms = new ArrayList<>();
    List<AtomicLong> counts = new ArrayList<>();
    for (int i = 0; i < mix.size(); i++) {
      histograms.add(new Histogram(3));
      counts.add(new AtomicLong());
    }
    AtomicLong failures = new AtomicLong();
    AtomicLong all = new AtomicLong();
    long cpuStart = cpuNanos.getAsLong();
    long allocatedStart = allocatedBytes.getAsLong();
    Optional<StolenTime.Sample> stolenStart = StolenTime.now();
    long start = System.nanoTime();
    long recordFrom = start + warmup.toNanos();
    long end = recordFrom + duration.toNanos();
    CountDownLatch finished = new CountDownLatch(inFlight);
    System.out.printf(Locale.ROOT, "%s: %d in flight, %s warm-up, %s measured%n", phase, inFlight, warmup, duration);
    Loop loop = new Loop(mix, total, histograms, counts, all, failures, recordFrom, end, finished);
    for (int i = 0; i < inFlight; i++) {
      loop.issue(new SplittableRandom(i * 7919L + 1));
    }
    long last = System.nanoTime();
    long lastDone = 0;
    while (!finished.await(2, TimeUnit.SECONDS)) {
      long now = System.nanoTime();
      long done = counts.stream().mapToLong(AtomicLong::get).sum();
      Runtime rt = Runtime.getRuntime();
      long afterGc = heapAfterGc();
      System.out.printf(Locale.ROOT, "  %s: %s, %d ops recorded (%.0f ops/s), %d failed, heap %d MiB (%d MiB after the last GC)%n",
          phase, now < recordFrom ? "warming up"
              : String.format(Locale.ROOT, "%.0f%%", 100.0 * (now - recordFrom) / (end - recordFrom)),
          done, (done - lastDone) / ((now - last) / 1e9), failures.get(), (rt.totalMemory() - rt.freeMemory()) >> 20,
          afterGc >> 20);
      last = now;
      lastDone = done;
    }
    long elapsed = Math.min(System.nanoTime(), end) - recordFrom;
    // Over the whole phase, warm-up included: every operation's CPU and allocation, whatever its
    // type, and the time stolen meanwhile.
    double cpuPerOp = (cpuNanos.getAsLong() - cpuStart) / 1e3 / Math.max(1, all.get());
    double allocatedPerOp = perOp(allocatedStart, allocatedBytes.getAsLong(), all.get());
    double stolen = StolenTime.share(stolenStart, StolenTime.now());
    if (failures.get() > 0) {
      System.out.printf(Locale.ROOT, "  %s: %d operations failed%n", phase, failures.get());
    }
    Map<String, LatencyReport> reports = new LinkedHashMap<>();
    for (int i = 0; i < mix.size(); i++) {
      synchronized (histograms.get(i)) {
        reports.put(mix.get(i).name(), new LatencyReport(mix.get(i).name(), counts.get(i).get(), elapsed,
            histograms.get(i).copy(), cpuPerOp, allocatedPerOp, stolen));
      }
    }
    return reports;
  }

  /** The loop's shared state; each outstanding operation issues the next when it completes. */
  private record Loop(List<Op> mix, double total, List<Histogram> histograms, List<AtomicLong> counts,
      AtomicLong all, AtomicLong failures, long recordFrom, long end, CountDownLatch finished) {

    void issue(SplittableRandom random) {
      long t0 = System.nanoTime();
      if (t0 >= end) {
        finished.countDown();
        return;
      }
      int type = pick(random);
      CompletableFuture<?> f;
      try {
        f = mix.get(type).send().get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        long t1 = System.nanoTime();
        all.incrementAndGet();
        if (e != null) {
          if (failures.incrementAndGet() <= 5) {
            System.err.println("operation failed: " + e);
          }
        } else if (t0 >= recordFrom && t1 <= end) {
          Histogram h = histograms.get(type);
          synchronized (h) {
            h.recordValue(t1 - t0);
          }
          counts.get(type).incrementAndGet();
        }
        issue(random);
      });
    }

    int pick(SplittableRandom random) {
      double x = random.nextDouble() * total;
      for (int i = 0; i < mix.size() - 1; i++) {
        x -= mix.get(i).weight();
        if (x < 0) {
          return i;
        }
      }
      return mix.size() - 1;
    }
  }
}
