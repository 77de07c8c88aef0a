package io.dynamokv.examples.node;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamokv.Endpoint;
import io.dynamokv.storage.rocksdb.RocksDbConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration file of a standalone node, read with Jackson. Unknown fields are errors,
 * so a misspelt setting does not pass silently. Example:
 *
 * <pre>{@code
 * {
 *   "id": "a",
 *   "listen": "127.0.0.1:7401",
 *   "admin": "127.0.0.1:7501",
 *   "dataDir": "/var/lib/dynamo/a",
 *   "founders": {"a": "127.0.0.1:7401", "b": "127.0.0.1:7402", "c": "127.0.0.1:7403"},
 *   "seeds": ["127.0.0.1:7401"],
 *   "replication": {"n": 3, "r": 2, "w": 2}
 * }
 * }</pre>
 *
 * @param id the node's id, unique in the cluster
 * @param listen where the node serves other nodes ("host:port")
 * @param admin where it serves the CLI over HTTP ("host:port"): a loopback address, or any with
 *     {@code adminTokenFile}
 * @param dataDir the RocksDB directory
 * @param founders the founding members of a new cluster (the same map on each founder), or empty
 * @param seeds nodes to join through, for a node added to a running cluster
 * @param replication N, R and W of the stores (default 3, 2, 2)
 * @param partitions Q of a new cluster (default 256)
 * @param durability "sync" (each write fsync'd before it counts, the default) or "async"
 * @param requestTimeoutMillis deadline of reads and writes (default 2000)
 * @param gossipIntervalMillis how often the node gossips (default 1000)
 * @param phiThreshold the failure detector's threshold (default 8)
 * @param transferBytesPerSecond the most the node receives per second when partitions move to it
 * @param tls mutual TLS between nodes: PEM files, or absent for plaintext
 * @param ioThreads the transport's I/O threads (default: as many as cores)
 * @param handlerThreads the threads that serve other nodes' requests (default: as many as cores);
 *     on a machine shared by several nodes, one each of both keeps them from crowding its cores
 * @param clusterSecretFile a file holding the cluster's secret (16 bytes or more, the same on
 *     every node): connections between nodes first prove they hold it. Without it (and without
 *     {@code tls}) the node authenticates no peer, and warns
 * @param clientSecretFile a file holding the clients' secret (16 bytes or more; needs
 *     {@code clusterSecretFile}): a connection that proves it instead of the cluster's is a client,
 *     which may only ask to coordinate reads and writes, read a primary's copy of a key, and ask
 *     for the ring
 * @param insecureUnauthenticatedPeers INSECURE (default false): lets the node start with neither
 *     {@code clusterSecretFile} nor {@code tls}, authenticating no peer: anyone who can reach its
 *     port can change the cluster. Only on a network no one else can reach
 * @param adminTokenFile a file holding the token every admin request must carry
 *     ({@code Authorization: Bearer <token>}); required unless {@code admin} is a loopback address
 * @param faultInjectionForTests for tests only (default false): wraps the transport in a fault
 *     switch and serves {@code /faults/block} and {@code /faults/heal} on the admin interface, so
 *     a test can cut the node off from chosen peers. Never on in production: anyone who can reach
 *     the admin interface could then partition the node
 * @param blockCacheMegabytes RocksDB's block cache, in MiB (at least 8; by default a quarter of
 *     the memory the JVM's heap leaves on the machine or in its container, at least 64, see
 *     {@link #defaultBlockCacheMegabytes}): reads of what it holds skip the disk, and a client's
 *     read of it is served without a thread hand-off
 * @param updateCacheMegabytes the heap, in MiB, kept for the stored sets of the keys last read or
 *     written, so that their next update reads nothing from RocksDB (0 for none; by default an
 *     eighth of the JVM's maximum heap, at least 32, at most 1024, see
 *     {@link #defaultUpdateCacheMegabytes})
 * @param compression whether RocksDB compresses its files with LZ4 (default true): off, a node on
 *     few cores spends less CPU on flushes and compactions, and its data takes more disk
 */
public record NodeConfig(String id, String listen, String admin, String dataDir, Map<String, String> founders,
    List<String> seeds, ReplicationConfig replication, Integer partitions, String durability,
    Integer requestTimeoutMillis, Integer gossipIntervalMillis, Double phiThreshold, Long transferBytesPerSecond,
    TlsFiles tls, Integer ioThreads, Integer handlerThreads, String clusterSecretFile, String clientSecretFile,
    Boolean insecureUnauthenticatedPeers, String adminTokenFile, Boolean faultInjectionForTests,
    Integer blockCacheMegabytes, Integer updateCacheMegabytes, Boolean compression) {

  /** N, R and W. */
  public record ReplicationConfig(int n, int r, int w) {}

  /** The PEM files of mutual TLS. */
  public record TlsFiles(String certificateChain, String privateKey, String trustedCertificates) {}

  /** Fills defaults and checks required fields. */
  public NodeConfig {
    require(id, "id");
    require(listen, "listen");
    require(admin, "admin");
    require(dataDir, "dataDir");
    founders = founders == null ? Map.of() : Map.copyOf(founders);
    seeds = seeds == null ? List.of() : List.copyOf(seeds);
    if (founders.isEmpty() && seeds.isEmpty()) {
      throw new IllegalArgumentException("founders and seeds are both empty (expected: founders to found a "
          + "cluster, or seeds to join one)");
    }
    replication = replication == null ? new ReplicationConfig(3, 2, 2) : replication;
    partitions = partitions == null ? 256 : partitions;
    durability = durability == null ? "sync" : durability;
    if (!durability.equals("sync") && !durability.equals("async")) {
      throw new IllegalArgumentException("durability : " + durability + " (expected: sync or async)");
    }
    requestTimeoutMillis = requestTimeoutMillis == null ? 2000 : requestTimeoutMillis;
    gossipIntervalMillis = gossipIntervalMillis == null ? 1000 : gossipIntervalMillis;
    phiThreshold = phiThreshold == null ? 8.0 : phiThreshold;
    transferBytesPerSecond = transferBytesPerSecond == null ? 32L << 20 : transferBytesPerSecond;
    if (ioThreads != null && (ioThreads < 1 || ioThreads > 256)) {
      throw new IllegalArgumentException("ioThreads : " + ioThreads + " (expected: 1..256)");
    }
    if (handlerThreads != null && (handlerThreads < 1 || handlerThreads > 256)) {
      throw new IllegalArgumentException("handlerThreads : " + handlerThreads + " (expected: 1..256)");
    }
    faultInjectionForTests = faultInjectionForTests != null && faultInjectionForTests;
    blockCacheMegabytes = blockCacheMegabytes == null ? defaultBlockCacheMegabytes() : blockCacheMegabytes;
    if (blockCacheMegabytes < 8 || blockCacheMegabytes > 1 << 20) {
      throw new IllegalArgumentException("blockCacheMegabytes : " + blockCacheMegabytes + " (expected: 8..1048576)");
    }
    updateCacheMegabytes = updateCacheMegabytes == null
        ? defaultUpdateCacheMegabytes(Runtime.getRuntime().maxMemory()) : updateCacheMegabytes;
    if (updateCacheMegabytes < 0 || updateCacheMegabytes > RocksDbConfig.MAX_UPDATE_CACHE_BYTES >> 20) {
      throw new IllegalArgumentException("updateCacheMegabytes : " + updateCacheMegabytes + " (expected: 0.."
          + (RocksDbConfig.MAX_UPDATE_CACHE_BYTES >> 20) + ")");
    }
    compression = compression == null || compression;
    insecureUnauthenticatedPeers = insecureUnauthenticatedPeers != null && insecureUnauthenticatedPeers;
    if (clusterSecretFile == null && tls == null && !insecureUnauthenticatedPeers) {
      throw new IllegalArgumentException("clusterSecretFile and tls are both unset (expected: one of them, so that the "
          + "node authenticates its peers; or \"insecureUnauthenticatedPeers\": true on a network no one else can reach)");
    }
    if (clientSecretFile != null && clusterSecretFile == null) {
      throw new IllegalArgumentException("clientSecretFile is set and clusterSecretFile is not (expected: both; nodes "
          + "prove the cluster's secret to each other)");
    }
    parseEndpoint(listen);
    if (adminTokenFile == null && !isLoopback(parseEndpoint(admin).host())) {
      throw new IllegalArgumentException("admin : " + admin + " can be reached from other machines, and adminTokenFile "
          + "is not set (expected: a loopback address such as 127.0.0.1, or adminTokenFile)");
    }
    founders.values().forEach(NodeConfig::parseEndpoint);
    seeds.forEach(NodeConfig::parseEndpoint);
  }

  /**
   * The block cache of a node whose configuration names none, from the memory of the machine (or
   * of the container, as the JVM sees it) and the JVM's maximum heap; see
   * {@link #defaultBlockCacheMegabytes(long, long)}. 64 MiB where the JVM does not tell its
   * machine's memory.
   */
  static int defaultBlockCacheMegabytes() {
    long heap = Runtime.getRuntime().maxMemory();
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return defaultBlockCacheMegabytes(os.getTotalMemorySize(), heap);
    }
    return (int) (RocksDbConfig.DEFAULT_BLOCK_CACHE_BYTES >> 20);
  }

  /**
   * A quarter of the memory that a heap of {@code maxHeapBytes} leaves of {@code memoryBytes}, in
   * MiB, at least the engine's default (64 MiB) and at most 1 TiB.
   *
   * <p>Why not the engine's 64 MiB: the storage engine's default suits a node embedded in a
   * service that owns the machine's memory, while a standalone node is the service. A client's
   * read of a key whose block the cache holds is answered on the I/O thread; any other is handed
   * to a request thread and reads the file, which on two cores cost a YCSB read about a fifth of
   * its throughput (benchmarks.md). Why a quarter: the rest is for the heap's neighbours, the
   * memtables, and the operating system's page cache, which holds the compressed files the cache
   * misses read. The cache takes memory only as it fills, so a node whose data is smaller than
   * the cache holds just its data.
   */
  static int defaultBlockCacheMegabytes(long memoryBytes, long maxHeapBytes) {
    long floor = RocksDbConfig.DEFAULT_BLOCK_CACHE_BYTES >> 20;
    long quarter = Math.max(0, memoryBytes - maxHeapBytes) / 4 >> 20;
    return (int) Math.min(1 << 20, Math.max(floor, quarter));
  }

  /**
   * An eighth of a heap of {@code maxHeapBytes}, in MiB, at least the engine's default (32 MiB) and
   * at most 1 GiB. Why more than the engine's default: a standalone node's heap holds little else
   * (about 45 MiB live under YCSB), and with 32 MiB three updates in four missed the cache and read
   * RocksDB on the writer thread, a table file when a compaction had just rewritten its block.
   * Why not more: the cache is one array, which the collector never copies, but the heap must still
   * hold the requests in flight.
   */
  static int defaultUpdateCacheMegabytes(long maxHeapBytes) {
    long floor = RocksDbConfig.DEFAULT_UPDATE_CACHE_BYTES >> 20;
    return (int) Math.min(RocksDbConfig.MAX_UPDATE_CACHE_BYTES >> 20, Math.max(floor, (maxHeapBytes / 8) >> 20));
  }

  /** Reads the cluster's secret from {@code clusterSecretFile}, if set. */
  public Optional<byte[]> clusterSecret() {
    return clusterSecretFile == null ? Optional.empty() : Optional.of(readSecret("clusterSecretFile", clusterSecretFile));
  }

  /** Reads the clients' secret from {@code clientSecretFile}, if set. */
  public Optional<byte[]> clientSecret() {
    return clientSecretFile == null ? Optional.empty() : Optional.of(readSecret("clientSecretFile", clientSecretFile));
  }

  /**
   * Reads a cluster secret from {@code file} (its text, trimmed), as nodes and clients do.
   *
   * @param setting the setting that named the file, for the error message
   * @throws IllegalArgumentException if it cannot be read or holds fewer than 16 bytes
   */
  public static byte[] readSecret(String setting, String file) {
    try {
      byte[] secret = Files.readString(Path.of(file)).trim().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (secret.length < 16) {
        throw new IllegalArgumentException(setting + " " + file + " holds " + secret.length
            + " bytes (expected: at least 16)");
      }
      return secret;
    } catch (IOException e) {
      throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Reads the admin token from {@code adminTokenFile}, if set. */
  public Optional<String> adminToken() {
    if (adminTokenFile == null) {
      return Optional.empty();
    }
    try {
      String token = Files.readString(Path.of(adminTokenFile)).trim();
      if (token.length() < 16) {
        throw new IllegalArgumentException("adminTokenFile " + adminTokenFile + " holds " + token.length()
            + " characters (expected: at least 16)");
      }
      return Optional.of(token);
    } catch (IOException e) {
      throw new IllegalArgumentException("adminTokenFile " + adminTokenFile + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static void require(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
  }

  /** Reads and checks the file at {@code path}. */
  public static NodeConfig read(Path path) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    return mapper.readValue(path.toFile(), NodeConfig.class);
  }

  /** Parses "host:port". */
  public static Endpoint parseEndpoint(String text) {
    Objects.requireNonNull(text, "endpoint");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("endpoint : " + text + " (expected: host:port)");
    }
    try {
      return Endpoint.of(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint : " + text + " (expected: a numeric port)");
    }
  }
}
