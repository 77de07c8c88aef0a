package io.dynamokv.examples.ycsb;

import io.dynamokv.ConflictResolver;
import io.dynamokv.DynamoClient;
import io.dynamokv.InsufficientReplicasException;
import io.dynamokv.NodeId;
import io.dynamokv.Stores;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.examples.client.ClusterClients;
import io.dynamokv.storage.rocksdb.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * A YCSB {@link DB} for dynamo-kv, in one of two forms. <b>Client</b>, with
 * {@code dynamo.seeds=host:port[,...]}: one {@link DynamoClient}, shared by YCSB's threads, sends
 * each request to a replica of its key on standalone nodes ({@code dynamo.client.secret.file}:
 * the clients' secret, or {@code dynamo.secret.file}: the cluster's, if the nodes have one;
 * {@code dynamo.client.ioThreads}: its I/O threads,
 * default 1). <b>Embedded</b>, without seeds: a cluster of {@code dynamo.nodes} nodes (default 3)
 * in the YCSB process, on loopback with RocksDB under {@code dynamo.dir} (default a temporary
 * directory, deleted at the end; give a directory to keep the data between the load and run
 * phases), each write fsync'd unless {@code dynamo.durability=async}. YCSB's threads share it,
 * spreading their requests over the nodes. Each record is a built-in map whose fields are
 * registers, so an update is one map operation, one round trip ({@code dynamo.records=map}, the
 * default); or, with {@code dynamo.records=value}, one value, its field map in a compact codec,
 * which an update reads, merges and writes back with the read's context. Range scans are not
 * supported (Dynamo has none).
 *
 * <p>Run: see dynamo-examples/README.md.
 */
public final class DynamoYcsbClient extends DB {

  private static final Object LOCK = new Object();
  private static LocalCluster cluster;
  private static DynamoClient client;
  private static Path dataDir;
  private static boolean deleteDataDir;
  private static int users;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private Records records;

  /** Concurrent versions of a record: the union of the fields; for a field both set, the larger value. */
  static Map<String, String> mergeFields(List<Map<String, String>> versions) {
    Map<String, String> merged = new TreeMap<>();
    versions.forEach(v -> v.forEach((k, val) -> merged.merge(k, val, (a, b) -> a.compareTo(b) >= 0 ? a : b)));
    return merged;
  }

  @Override
  public void init() throws DBException {
    ConflictResolver<Map<String, String>> merge = DynamoYcsbClient::mergeFields;
    String seeds = getProperties().getProperty("dynamo.seeds");
    long timeoutMs = Long.parseLong(getProperties().getProperty("dynamo.timeout.ms", "2000"));
    synchronized (LOCK) {
      if (seeds != null && client == null) {
        try {
          Optional<String> clientsSecret = Optional.ofNullable(getProperties().getProperty("dynamo.client.secret.file"));
          client = ClusterClients.connect(ClusterClients.parseSeeds(seeds),
              clientsSecret.or(() -> Optional.ofNullable(getProperties().getProperty("dynamo.secret.file"))),
              clientsSecret.isPresent() ? ClusterClients.SecretKind.CLIENTS : ClusterClients.SecretKind.CLUSTER,
              Duration.ofMillis(timeoutMs), Integer.parseInt(getProperties().getProperty("dynamo.client.ioThreads", "1")));
        } catch (RuntimeException e) {
          throw new DBException("cannot connect to the cluster at " + seeds + ": " + e.getMessage(), e);
        }
      } else if (seeds == null && cluster == null) {
        // Checked first: a bad value must not leave a temporary directory behind.
        Durability durability = durability(getProperties().getProperty("dynamo.durability", "sync"));
        try {
          String dir = getProperties().getProperty("dynamo.dir");
          deleteDataDir = dir == null;
          dataDir = dir == null ? Files.createTempDirectory("dynamo-ycsb") : Files.createDirectories(Path.of(dir));
        } catch (IOException e) {
          throw new DBException("cannot create the data directory: " + e, e);
        }
        int nodes = Integer.parseInt(getProperties().getProperty("dynamo.nodes", "3"));
        cluster = new LocalCluster(dataDir, nodes, Duration.ofMillis(timeoutMs), durability, false);
      }
      users++;
    }
    Stores via = client;
    if (via == null) {
      List<NodeId> nodes = cluster.nodes();
      via = cluster.node(nodes.get(THREADS.getAndIncrement() % nodes.size()));
    }
    String form = getProperties().getProperty("dynamo.records", "map");
    records = switch (form) {
      case "map" -> new MapRecords(via.maps("usertable"));
      case "value" -> new ValueRecords(via.store("usertable", new FieldMapCodec(), merge));
      default -> throw new DBException("dynamo.records : " + form + " (expected: map or value)");
    };
  }

  /** The embedded nodes' counter {@code name} ({@code DynamoNode.metrics()}) summed; for tests. */
  static long clusterMetric(String name) {
    synchronized (LOCK) {
      return cluster.nodes().stream().mapToLong(id -> cluster.node(id).metrics().getOrDefault(name, 0L)).sum();
    }
  }

  /** {@code sync} (each write fsync'd before it counts, the default) or {@code async} (in the OS's page cache). */
  static Durability durability(String name) throws DBException {
    return switch (name) {
      case "sync" -> Durability.SYNC;
      case "async" -> Durability.ASYNC;
      default -> throw new DBException("dynamo.durability : " + name + " (expected: sync or async)");
    };
  }

  @Override
  public void cleanup() throws DBException {
    synchronized (LOCK) {
      if (--users == 0 && client != null) {
        client.close();
        client = null;
      } else if (users == 0) {
        cluster.close();
        cluster = null;
        if (deleteDataDir) {
          try (Stream<Path> paths = Files.walk(dataDir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(p);
            }
          } catch (IOException e) {
            throw new DBException("cannot delete " + dataDir + ": " + e, e);
          }
        }
      }
    }
  }

  private static Map<String, String> strings(Map<String, ByteIterator> values) {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  private static Status failure(RuntimeException e) {
    return e instanceof InsufficientReplicasException ? Status.SERVICE_UNAVAILABLE : Status.ERROR;
  }

  @Override
  public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
    try {
      Optional<Map<String, String>> record = records.read(key, fields);
      if (record.isEmpty()) {
        return Status.NOT_FOUND;
      }
      record.get().forEach((k, v) -> result.put(k, new StringByteIterator(v)));
      return Status.OK;
    } catch (RuntimeException e) {
      return failure(e);
    }
  }

  @Override
  public Status scan(String table, String startkey, int recordcount, Set<String> fields,
      Vector<HashMap<String, ByteIterator>> result) {
    return Status.NOT_IMPLEMENTED;
  }

  @Override
  public Status update(String table, String key, Map<String, ByteIterator> values) {
    try {
      records.update(key, strings(values));
      return Status.OK;
    } catch (RuntimeException e) {
      return failure(e);
    }
  }

  @Override
  public Status insert(String table, String key, Map<String, ByteIterator> values) {
    try {
      records.insert(key, strings(values));
      return Status.OK;
    } catch (RuntimeException e) {
      return failure(e);
    }
  }

  @Override
  public Status delete(String table, String key) {
    try {
      records.delete(key);
      return Status.OK;
    } catch (RuntimeException e) {
      return failure(e);
    }
  }
}
