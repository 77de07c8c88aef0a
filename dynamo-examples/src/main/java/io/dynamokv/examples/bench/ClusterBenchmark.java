package io.dynamokv.examples.bench;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.Replication;
import io.dynamokv.Store;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.storage.rocksdb.Durability;
import io.dynamokv.storage.rocksdb.RocksDbConfig;
import io.dynamokv.storage.rocksdb.RocksDbStorageEngine;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The cluster benchmark ("bench"): a 3-node cluster in this JVM (RocksDB on disk, Netty on
 * loopback, N=3 R=2 W=2) under a closed-loop load, beside baselines measured in the same run on
 * the same machine with the same key and value sizes:
 *
 * <ol>
 *   <li>a plain Netty echo of frames the size of a replica write;</li>
 *   <li>raw RocksDB puts and random gets (same options, same durability), one thread per request in flight;</li>
 *   <li>the ideal quorum ({@link IdealQuorum}): three servers doing only RocksDB, a client done at two answers;</li>
 *   <li>the cluster: load the records, then puts only, gets only, and the chosen mix.</li>
 * </ol>
 *
 * The ideal quorum's puts and gets run in turn with the cluster's, each beside the cluster phase
 * it is compared with: ideal put, cluster put, ideal get, cluster get. With {@code --rounds K}
 * that sequence runs K times and each ratio is the median of the K rounds' ratios: this
 * machine's speed drifts by up to 2x within minutes, and a ratio of two phases measured side by
 * side, repeated, moves far less than one of phases minutes apart.
 *
 * Prints a progress line every two seconds, then ops/s and p50/p99/p99.9/max per phase, and the
 * cluster's throughput as a fraction of the ideal quorum's; writes {@code results.json} and
 * {@code latency.svg} to {@code --out}. Puts carry the context of the key's previous put (the
 * benchmark is the only writer), so they replace rather than pile up siblings.
 *
 * <pre>
 * --seconds N        measured seconds per phase (15)       --warmup N        warm-up seconds (10)
 * --inflight N       requests in flight (64)               --value-bytes N   value size (100)
 * --records N        records loaded (100000)               --read-fraction F reads in the mix (0.5)
 * --distribution D   uniform or zipfian (uniform)          --durability D    sync or async (sync)
 * --out DIR          where results go (target/bench)       --no-baselines    the cluster only
 * --ideal-only       of the baselines, the ideal quorum only (for comparing builds: the ratio)
 * --phases LIST      the cluster phases to run, of put,get,mix (all)
 * --rounds K         ideal quorum and cluster put and get phases, in turn, K times (1); each
 *                    ratio is the median of the rounds'; the table pools the rounds
 * --only-mix         the mixed phase only (a long mixed run, e.g. for memory): --phases mix
 * --rmw              puts read the key first and write with its context (Store.update), instead
 *                    of reusing the context of the benchmark's previous put, which it must keep
 *                    for every key (a client-side cache that would dominate a memory run)
 * --histogram        print the heap's largest classes at the end (live objects)
 * --node-threads N   each node's Netty I/O and handler threads (1; 0 = the transport's default, by cores)
 * --latency-recording on|off  whether the in-process nodes record latencies (on), to measure its cost
 * --processes        the nodes as three processes (the standalone node); a DynamoClient in this
 *                    JVM sends each request to a replica of its key. The ideal quorum's
 *                    servers then run as three processes too, with the nodes' heap and JVM options
 * --ideal-in-this-jvm with --processes, the ideal quorum's servers in this JVM instead (a
 *                    baseline of another shape than the cluster's)
 * --node-heap SIZE   each node process's -Xmx (512m)
 * --node-jvm "OPTS"  more JVM options for each node process, e.g. "-XX:+UseShenandoahGC -Xlog:gc"
 * --update-cache-mb N each in-process node's update cache (32; 0 = none)
 * --commit-window-us N each in-process node's group-commit window (RocksDbConfig's default, 0)
 * </pre>
 *
 * {@code --value-bytes 100-1024} draws each value's size uniformly from the range. The progress
 * lines show the heap in use and the heap live after the last collection; the run ends with the
 * most seen live after a collection.
 */
public final class ClusterBenchmark {

  private final byte[] clusterSecret = java.util.HexFormat.of().parseHex("6b1f0c55d2e94a7d8f3b20c4e1a97d36");
  private int seconds = 15;
  // Long enough for the JIT: C2 must be done compiling before the measured phase starts.
  private int warmupSeconds = 10;
  private int inFlight = 64;
  private int valueBytes = 100;
  private int maxValueBytes = 100;
  private java.util.Set<String> phases = java.util.Set.of("put", "get", "mix");
  private boolean readModifyWrite;
  private boolean histogram;
  // Three nodes share this machine: one I/O and one handler thread each, not the transport's
  // per-core default, which would give the cores three times as many threads as they have.
  private int nodeThreads = 1;
  private boolean latencyRecording = true;
  private int records = 100_000;
  private int rounds = 1;
  private Duration commitWindow = RocksDbConfig.DEFAULT_GROUP_COMMIT_WINDOW;
  private double readFraction = 0.5;
  private boolean zipfian;
  private boolean sync = true;
  private boolean baselines = true;
  private boolean otherBaselines = true;
  private boolean processes;
  private boolean idealInThisJvm;
  private String nodeHeap = "512m";
  private List<String> nodeJvmOptions = List.of();
  private int updateCacheBytes = RocksDbConfig.DEFAULT_UPDATE_CACHE_BYTES;
  private Path out = Path.of("target", "bench");
  private final List<RocksDbStorageEngine> engines = new ArrayList<>();

  private ClusterBenchmark() {}

  /** Runs the benchmark; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    ClusterBenchmark b = new ClusterBenchmark();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--seconds" -> b.seconds = Integer.parseInt(args[++i]);
        case "--warmup" -> b.warmupSeconds = Integer.parseInt(args[++i]);
        case "--inflight" -> b.inFlight = Integer.parseInt(args[++i]);
        case "--value-bytes" -> {
          String v = args[++i];
          int dash = v.indexOf('-');
          b.valueBytes = Integer.parseInt(dash < 0 ? v : v.substring(0, dash));
          b.maxValueBytes = dash < 0 ? b.valueBytes : Integer.parseInt(v.substring(dash + 1));
        }
        case "--only-mix" -> b.phases = java.util.Set.of("mix");
        case "--phases" -> {
          b.phases = java.util.Set.of(args[++i].split(","));
          if (!java.util.Set.of("put", "get", "mix").containsAll(b.phases)) {
            throw new IllegalArgumentException("--phases : " + args[i] + " (expected: a comma list of put, get, mix)");
          }
        }
        case "--rmw" -> b.readModifyWrite = true;
        case "--histogram" -> b.histogram = true;
        case "--node-threads" -> b.nodeThreads = Integer.parseInt(args[++i]);
        case "--latency-recording" -> b.latencyRecording = switch (args[++i]) {
          case "on" -> true;
          case "off" -> false;
          default -> throw new IllegalArgumentException("--latency-recording : " + args[i] + " (expected: on or off)");
        };
        case "--records" -> b.records = Integer.parseInt(args[++i]);
        case "--rounds" -> {
          b.rounds = Integer.parseInt(args[++i]);
          if (b.rounds < 1) {
            throw new IllegalArgumentException("--rounds : " + b.rounds + " (expected: >= 1)");
          }
        }
        case "--read-fraction" -> b.readFraction = Double.parseDouble(args[++i]);
        case "--distribution" -> b.zipfian = switch (args[++i]) {
          case "zipfian" -> true;
          case "uniform" -> false;
          default -> throw new IllegalArgumentException("--distribution : " + args[i] + " (expected: uniform or zipfian)");
        };
        case "--durability" -> b.sync = switch (args[++i]) {
          case "sync" -> true;
          case "async" -> false;
          default -> throw new IllegalArgumentException("--durability : " + args[i] + " (expected: sync or async)");
        };
        case "--out" -> b.out = Path.of(args[++i]);
        case "--no-baselines" -> b.baselines = false;
        case "--ideal-only" -> b.otherBaselines = false;
        case "--commit-window-us" -> b.commitWindow = Duration.ofNanos(Long.parseLong(args[++i]) * 1000);
        case "--processes" -> b.processes = true;
        case "--ideal-in-this-jvm" -> b.idealInThisJvm = true;
        case "--node-heap" -> b.nodeHeap = args[++i];
        case "--update-cache-mb" -> b.updateCacheBytes = Integer.parseInt(args[++i]) << 20;
        case "--node-jvm" -> b.nodeJvmOptions = List.of(args[++i].trim().split("\\s+"));
        default -> throw new IllegalArgumentException("unknown option " + a + " (see ClusterBenchmark's Javadoc)");
      }
    }
    b.run();
    System.exit(0); // the nodes' and Netty's threads are closed; RocksDB's own may linger
  }

  private byte[] key(int i) {
    return ("user" + i).getBytes(StandardCharsets.UTF_8);
  }

  private void run() throws Exception {
    Duration warmup = Duration.ofSeconds(warmupSeconds);
    Duration duration = Duration.ofSeconds(seconds);
    KeyChooser keys = new KeyChooser(records, zipfian);
    byte[] value = new byte[Math.max(valueBytes, maxValueBytes)];
    new SplittableRandom(1).nextBytes(value);
    Path data = out.resolve("data");
    deleteRecursively(data);
    Files.createDirectories(data);
    System.out.printf(Locale.ROOT, "bench: %d records of %d B, %s keys, %d in flight, %s durability, %d cores, "
            + "%d s per phase after %d s warm-up%n", records, valueBytes, zipfian ? "zipfian" : "uniform", inFlight,
        sync ? "sync" : "async", Runtime.getRuntime().availableProcessors(), seconds, warmupSeconds);
    List<LatencyReport> reports = new ArrayList<>();
    if (baselines && otherBaselines) {
      reports.add(NettyEcho.measure("baseline: Netty echo", 24 + valueBytes, inFlight, warmup, duration));
      try (RawRocksDb raw = new RawRocksDb(data.resolve("raw"), sync)) {
        reports.add(ClosedLoop.threads("baseline: raw RocksDB put", inFlight, warmup, duration,
            r -> raw.db.put(raw.write, key(keys.next(r)), value)));
        reports.add(ClosedLoop.threads("baseline: raw RocksDB get", inFlight, warmup, duration,
            r -> raw.db.get(key(keys.next(r)))));
      }
    }
    try (IdealQuorum ideal = baselines ? startIdealQuorum(data) : null;
        Target cluster = processes ? new ProcessTarget(data, ideal) : new InProcessTarget(data)) {
      SplittableRandom sizes = new SplittableRandom(3);
      load("cluster", i -> cluster.write(i, sized(value, sizes), false));
      if (ideal != null && phases.contains("get") && !phases.contains("put")) {
        load("ideal quorum", i -> ideal.put(key(i), value)); // its gets must find what they read
      }
      ClosedLoop.Op put = new ClosedLoop.Op("cluster put", 1 - readFraction,
          perThread(r -> cluster.write(keys.next(r), sized(value, r), readModifyWrite)));
      ClosedLoop.Op get = new ClosedLoop.Op("cluster get", readFraction, perThread(r -> cluster.read(keys.next(r))));
      PhaseRounds putRounds = new PhaseRounds("put");
      PhaseRounds getRounds = new PhaseRounds("get");
      for (int round = 1; round <= rounds; round++) {
        // The JIT is warm after the first round: later ones only refill the pipeline.
        Duration warm = round == 1 ? warmup : Duration.ofSeconds(Math.min(warmupSeconds, 3));
        if (phases.contains("put")) {
          LatencyReport idealPut = ideal == null ? null : ClosedLoop.run("baseline: ideal quorum put", inFlight, warm,
              duration, perThread(r -> ideal.put(key(keys.next(r)), value)));
          StorageCounters before = StorageCounters.of(cluster);
          long t0 = System.nanoTime();
          LatencyReport clusterPut = ClosedLoop.run("cluster put", inFlight, warm, duration, List.of(put))
              .get("cluster put");
          StorageCounters.of(cluster).since(before).print((System.nanoTime() - t0) / 1e9);
          putRounds.add(round, idealPut, clusterPut);
        }
        if (phases.contains("get")) {
          LatencyReport idealGet = ideal == null ? null : ClosedLoop.run("baseline: ideal quorum get", inFlight, warm,
              duration, perThread(r -> ideal.get(key(keys.next(r)))));
          getRounds.add(round, idealGet, ClosedLoop.run("cluster get", inFlight, warm, duration, List.of(get))
              .get("cluster get"));
        }
      }
      putRounds.pooledInto(reports);
      getRounds.pooledInto(reports);
      LatencyReport clusterPut = putRounds.cluster();
      LatencyReport clusterGet = getRounds.cluster();
      if (phases.contains("mix") && readFraction > 0 && readFraction < 1) {
        Map<String, LatencyReport> mix = ClosedLoop.run("cluster mix", inFlight, warmup, duration, List.of(
            new ClosedLoop.Op("cluster mix: put", 1 - readFraction, put.send()),
            new ClosedLoop.Op("cluster mix: get", readFraction, get.send())));
        reports.addAll(mix.values());
        clusterPut = clusterPut == null ? mix.get("cluster mix: put") : clusterPut;
        clusterGet = clusterGet == null ? mix.get("cluster mix: get") : clusterGet;
      }
      report(reports, clusterPut, clusterGet, putRounds, getRounds);
    }
  }

  /**
   * The ideal quorum in the cluster's shape: as three processes beside the node processes (with
   * their heap and JVM options), unless {@code --ideal-in-this-jvm}; else in this JVM.
   */
  private IdealQuorum startIdealQuorum(Path data) throws Exception {
    return processes && !idealInThisJvm ? IdealQuorum.asProcesses(data, sync, nodeHeap, nodeJvmOptions)
        : IdealQuorum.inThisJvm(data, sync);
  }

  /** How the benchmark reaches the cluster. Records are named "user" + index. */
  private interface Target extends AutoCloseable {

    /**
     * Writes {@code value} to {@code record}: over the context of this client's last write of it
     * (the benchmark is the only writer, so the value replaces rather than piles up siblings),
     * or, with {@code readFirst}, over the context of a read made just before.
     */
    CompletableFuture<?> write(int record, byte[] value, boolean readFirst);

    /** Reads {@code record}. */
    CompletableFuture<?> read(int record);

    /** The nodes' storage counter {@code name} ({@code StorageEngine.metrics()}) summed, or -1 if this client cannot see it. */
    long storageCounter(String name);

    @Override
    void close();
  }

  /**
   * The three nodes' storage counters at one moment: fsyncs, RocksDB write batches, update cache
   * hits and misses (each -1 if the client cannot see it).
   */
  private record StorageCounters(long syncs, long batches, long hits, long misses) {
    static StorageCounters of(Target cluster) {
      return new StorageCounters(cluster.storageCounter("storage.wal.syncs"),
          cluster.storageCounter("storage.write.batches"), cluster.storageCounter("storage.update.cache.hits"),
          cluster.storageCounter("storage.update.cache.misses"));
    }

    /** What was counted since {@code earlier}; -1 where either reading is missing. */
    StorageCounters since(StorageCounters earlier) {
      return new StorageCounters(minus(syncs, earlier.syncs), minus(batches, earlier.batches),
          minus(hits, earlier.hits), minus(misses, earlier.misses));
    }

    private static long minus(long later, long earlier) {
      return later < 0 || earlier < 0 ? -1 : later - earlier;
    }

    /** Prints a put phase's fsyncs per second and node, the updates each write and fsync covered, and the cache's hits. */
    void print(double seconds) {
      if (syncs < 0 || hits < 0 || misses < 0) {
        return;
      }
      long updates = hits + misses;
      System.out.printf(Locale.ROOT, "cluster put: %.0f WAL fsyncs/s per node, %s updates per RocksDB write and %.1f "
              + "per fsync, %.1f%% of updates found their set in the update cache%n",
          syncs / 3.0 / seconds, batches <= 0 ? "?" : String.format(Locale.ROOT, "%.1f", (double) updates / batches),
          (double) updates / Math.max(1, syncs), 100.0 * hits / Math.max(1, updates));
    }
  }

  /** Three nodes in this JVM; requests go through their Store API in turn. */
  private final class InProcessTarget implements Target {
    private final List<DynamoNode> nodes;
    private final List<Store<byte[]>> stores;
    // Not with --rmw, which reads each context first: 96 bytes a record is 96 MB for a million.
    private final ContextSlab contexts = readModifyWrite ? null : new ContextSlab(records);
    private final AtomicInteger next = new AtomicInteger();

    InProcessTarget(Path data) throws Exception {
      nodes = startCluster(data);
      stores = nodes.stream().map(n -> n.store("bench", Codec.bytes())).toList();
    }

    private Store<byte[]> store() {
      return stores.get(Math.floorMod(next.getAndIncrement(), stores.size()));
    }

    @Override
    public CompletableFuture<?> write(int record, byte[] value, boolean readFirst) {
      if (readFirst) {
        return store().updateAsync("user" + record, old -> value);
      }
      if (contexts == null) { // --rmw: only the load writes blind, each record once
        return store().putAsync("user" + record, Context.EMPTY, value);
      }
      return store().putAsync("user" + record, contexts.get(record), value)
          .thenAccept(ctx -> contexts.set(record, ctx));
    }

    @Override
    public CompletableFuture<?> read(int record) {
      return store().getAsync("user" + record);
    }

    @Override
    public long storageCounter(String name) {
      long sum = 0;
      for (RocksDbStorageEngine e : engines) {
        Long value = e.metrics().get(name);
        if (value == null) {
          return -1; // not counted by this engine: unknown, not zero
        }
        sum += value;
      }
      return sum;
    }

    @Override
    public void close() {
      nodes.forEach(DynamoNode::close);
    }
  }

  /**
   * Three node processes; a {@link io.dynamokv.DynamoClient} in this JVM sends each request to a
   * replica of its key. The CPU per operation then counts the nodes' processes too.
   */
  private final class ProcessTarget implements Target {
    private final ProcessCluster cluster;
    private final ContextSlab contexts = readModifyWrite ? null : new ContextSlab(records);

    /** @param ideal the ideal quorum, whose server processes' CPU is counted too (null: none) */
    ProcessTarget(Path data, IdealQuorum ideal) throws Exception {
      cluster = new ProcessCluster(data, sync, nodeThreads, nodeHeap, nodeJvmOptions);
      // Each phase counts every process of the run: the idle ones (the cluster's in the ideal
      // quorum's phases, and the other way round) add only their timers' little.
      ClosedLoop.cpuNanos = () -> LatencyReport.processCpuNanos() + cluster.nodesCpuNanos()
          + (ideal == null ? 0 : ideal.serversCpuNanos());
      ClosedLoop.allocatedBytes = () -> -1; // the nodes' heaps are in their own processes
    }

    @Override
    public CompletableFuture<?> write(int record, byte[] value, boolean readFirst) {
      Store<byte[]> store = cluster.store();
      if (readFirst) {
        return store.updateAsync("user" + record, old -> value);
      }
      if (contexts == null) { // --rmw: only the load writes blind, each record once
        return store.putAsync("user" + record, Context.EMPTY, value);
      }
      return store.putAsync("user" + record, contexts.get(record), value).thenAccept(ctx -> contexts.set(record, ctx));
    }

    @Override
    public CompletableFuture<?> read(int record) {
      return cluster.store().getAsync("user" + record);
    }

    @Override
    public long storageCounter(String name) {
      return cluster.sumOfMetric(name);
    }

    @Override
    public void close() {
      ClosedLoop.cpuNanos = LatencyReport::processCpuNanos;
      ClosedLoop.allocatedBytes = LatencyReport::processAllocatedBytes;
      cluster.close();
    }
  }

  /**
   * Wraps a request generator so that each calling thread (the loop's completions run on many)
   * has its own random source.
   */
  private static java.util.function.Supplier<CompletableFuture<?>> perThread(
      java.util.function.Function<SplittableRandom, CompletableFuture<?>> request) {
    ThreadLocal<SplittableRandom> random = ThreadLocal.withInitial(() -> new SplittableRandom(Thread.currentThread().getId()));
    return () -> request.apply(random.get());
  }

  /** Prints the 20 classes with the most live bytes, from the JVM's own class histogram. */
  private static void printHistogram() throws Exception {
    String text = (String) java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
        new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    System.out.println("live heap by class (top 20):");
    text.lines().limit(23).forEach(System.out::println);
  }

  /** Returns {@code value} cut to a size drawn from [valueBytes, maxValueBytes]. */
  private byte[] sized(byte[] value, SplittableRandom r) {
    int size = maxValueBytes > valueBytes ? valueBytes + r.nextInt(maxValueBytes - valueBytes + 1) : valueBytes;
    return size == value.length ? value : java.util.Arrays.copyOf(value, size);
  }

  private List<DynamoNode> startCluster(Path data) throws Exception {
    Map<NodeId, Endpoint> members = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) {
      members.put(NodeId.of("node-" + i), Endpoint.of("127.0.0.1", LocalCluster.freePort()));
    }
    List<DynamoNode> nodes = new ArrayList<>();
    for (Map.Entry<NodeId, Endpoint> m : members.entrySet()) {
      RocksDbStorageEngine engine = RocksDbStorageEngine.open(RocksDbConfig.newBuilder(data.resolve(m.getKey().value()))
          .durability(sync ? Durability.SYNC : Durability.ASYNC)
          .updateCacheBytes(updateCacheBytes)
          .groupCommitWindow(commitWindow).build());
      engines.add(engine);
      DynamoNodeBuilder b = DynamoNode.newBuilder(m.getKey())
          .storage(engine)
          .transport(NettyTransport.create(transportConfig(m.getValue())))
          .replication(Replication.of(3, 2, 2))
          .latencyRecording(latencyRecording);
      members.forEach(b::member);
      DynamoNode node = b.build();
      node.start();
      nodes.add(node);
    }
    return nodes;
  }

  private NettyTransportConfig transportConfig(Endpoint endpoint) {
    // Authenticated, as a deployed cluster is: the handshake runs once per connection.
    NettyTransportConfig.Builder b = NettyTransportConfig.newBuilder(endpoint).clusterSecret(clusterSecret);
    if (nodeThreads > 0) {
      b.ioThreads(nodeThreads).handlerThreads(nodeThreads);
    }
    return b.build();
  }

  /** Puts every record once through {@code write}, {@code inFlight} at a time. */
  private void load(String target, java.util.function.IntFunction<CompletableFuture<?>> write)
      throws InterruptedException {
    System.out.printf(Locale.ROOT, "%s load: %d records%n", target, records);
    Semaphore slots = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(records);
    AtomicInteger failed = new AtomicInteger();
    long start = System.nanoTime();
    Thread progress = new Thread(() -> {
      try {
        while (!done.await(2, TimeUnit.SECONDS)) {
          System.out.printf(Locale.ROOT, "  %s load: %d of %d%n", target, records - done.getCount(), records);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    progress.setDaemon(true); // a failed load must not leave the JVM running
    progress.start();
    for (int i = 0; i < records; i++) {
      slots.acquire();
      write.apply(i).whenComplete((ok, e) -> {
        if (e != null) {
          failed.incrementAndGet();
        }
        slots.release();
        done.countDown();
      });
    }
    done.await();
    progress.join();
    System.out.printf(Locale.ROOT, "%s load: %d records in %.1f s (%.0f puts/s), %d failed%n", target, records,
        (System.nanoTime() - start) / 1e9, records / ((System.nanoTime() - start) / 1e9), failed.get());
  }

  private void report(List<LatencyReport> reports, LatencyReport clusterPut, LatencyReport clusterGet,
      PhaseRounds putRounds, PhaseRounds getRounds) throws Exception {
    System.out.println();
    System.out.println(LatencyReport.header());
    reports.forEach(r -> System.out.println(r.row()));
    System.out.println();
    Map<String, Object> ratios = new LinkedHashMap<>();
    // The performance issue's aims: lower for processes, which pay a client's hop and four JVMs.
    putRounds.reportRatio(ratios, "clusterPutOverIdealQuorumPut", processes ? 0.60 : 0.70);
    getRounds.reportRatio(ratios, "clusterGetOverIdealQuorumGet", processes ? 0.75 : 0.80);
    System.out.printf(Locale.ROOT, "heap: at most %d MiB live after a collection (max heap %d MiB)%n",
        ClosedLoop.maxHeapAfterGc.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
    for (LatencyReport r : java.util.Arrays.asList(clusterPut, clusterGet)) {
      if (r != null) {
        System.out.printf(Locale.ROOT, "%s p99.9: %.2f ms (target < 5 ms)%n", r.name(),
            r.latencyNanos().getValueAtPercentile(99.9) / 1e6);
      }
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("records", records);
    config.put("valueBytes", valueBytes == maxValueBytes ? String.valueOf(valueBytes) : valueBytes + "-" + maxValueBytes);
    config.put("maxHeapLiveAfterGcMiB", ClosedLoop.maxHeapAfterGc.get() >> 20);
    config.put("distribution", zipfian ? "zipfian" : "uniform");
    config.put("inFlight", inFlight);
    config.put("nodes", processes ? "3 processes, DynamoClient" : "3 in this JVM");
    config.put("idealQuorumServers", processes && !idealInThisJvm ? "3 processes" : "in this JVM");
    config.put("durability", sync ? "sync" : "async");
    config.put("secondsPerPhase", seconds);
    config.put("rounds", rounds);
    config.put("cores", Runtime.getRuntime().availableProcessors());
    BenchResults.writeJson(out.resolve("results.json"), config, reports, ratios);
    if (histogram) {
      printHistogram();
    }
    List<LatencyReport> plotted = new ArrayList<>();
    for (LatencyReport r : java.util.Arrays.asList(clusterPut, clusterGet, putRounds.ideal(), getRounds.ideal())) {
      if (r != null) {
        plotted.add(r);
      }
    }
    BenchResults.writeSvg(out.resolve("latency.svg"), String.format(Locale.ROOT,
        (processes ? "3 node processes" : "3 nodes in one JVM") + ", N=3 R=2 W=2, %d B values, %d in flight, %s", valueBytes, inFlight, sync ? "fsync" : "no fsync"), plotted);
    System.out.println("wrote " + out.resolve("results.json") + " and " + out.resolve("latency.svg"));
    deleteRecursively(out.resolve("data"));
  }

  private static void deleteRecursively(Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
