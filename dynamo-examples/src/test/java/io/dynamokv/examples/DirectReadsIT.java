package io.dynamokv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoClient;
import io.dynamokv.Endpoint;
import io.dynamokv.MapStore;
import io.dynamokv.MapUpdate;
import io.dynamokv.NodeId;
import io.dynamokv.Store;
import io.dynamokv.examples.client.ClusterClients;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's read asks one primary for its set and another for its digest, on real nodes (RocksDB,
 * Netty): replicas that hold equal sets digest alike, so the read needs no coordinator; a replica
 * that holds something else is caught by its digest and the read goes through a coordinator.
 */
class DirectReadsIT {

  private static final Duration DEADLINE = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void replicasThatAgreeAreReadDirectlyAndOneThatDiffersThroughACoordinator() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir.resolve("nodes"), 3, Duration.ofSeconds(2))) {
      Path secret = dir.resolve("secret");
      Files.write(secret, cluster.clientSecret());
      List<Endpoint> seeds = cluster.nodes().stream().map(cluster::endpoint).toList();
      try (DynamoClient client = ClusterClients.connect(seeds, Optional.of(secret.toString()), Duration.ofSeconds(2), 1)) {
        // Built-in maps, as the YCSB binding stores its records, written by several coordinators.
        MapStore maps = client.maps("records");
        for (int i = 0; i < 20; i++) {
          maps.update("r" + i, new MapUpdate().register("field0", Codec.utf8(), "a" + i));
          maps.update("r" + i, new MapUpdate().register("field1", Codec.utf8(), "b" + i));
        }
        for (int i = 0; i < 20; i++) {
          awaitReplicasEqual(cluster, "records", "r" + i);
        }
        long direct = client.metrics().get("reads.direct");
        long missed = client.metrics().get("reads.direct.missed");
        long fromMemory = sum(cluster, "served.to.clients.from.memory");
        long served = sum(cluster, "gets.served.to.clients") + sum(cluster, "digests.served.to.clients");
        for (int i = 0; i < 20; i++) {
          assertThat(maps.get("r" + i).register("field1", Codec.utf8())).contains("b" + i);
        }
        // Just written, every key is in a memtable: each set and digest is read there, on an I/O thread.
        assertThat(sum(cluster, "served.to.clients.from.memory") - fromMemory).as("read from memory")
            .isEqualTo(sum(cluster, "gets.served.to.clients") + sum(cluster, "digests.served.to.clients") - served)
            .isEqualTo(40);
        assertThat(client.metrics().get("reads.direct.missed") - missed).as("reads that needed a coordinator").isZero();
        assertThat(client.metrics().get("reads.direct") - direct).isEqualTo(20);
        assertThat(sum(cluster, "digests.served.to.clients")).as("one digest a read, R = 2").isGreaterThanOrEqualTo(20);

        // A newer version that only the first primary holds: its digest, or the set it sends, differs.
        Store<String> plain = client.store("plain", Codec.utf8());
        plain.put("cart", Context.EMPTY, "old");
        awaitReplicasEqual(cluster, "plain", "cart");
        byte[] cart = "cart".getBytes(StandardCharsets.UTF_8);
        NodeId first = cluster.preferenceList("cart").primaries().get(0);
        StorageKey sk = cluster.keySpace().storageKey("plain", cart);
        cluster.storage(first).update(sk, v -> v.put(v.context(), ActorId.of(first, 99),
            "new".getBytes(StandardCharsets.UTF_8), System.currentTimeMillis())).join();
        long coordinated = sum(cluster, "gets");
        missed = client.metrics().get("reads.direct.missed");
        assertThat(plain.get("cart").values()).containsExactly("new");
        assertThat(client.metrics().get("reads.direct.missed") - missed).isEqualTo(1);
        assertThat(sum(cluster, "gets") - coordinated).as("reads coordinated by a node").isEqualTo(1);
      }
    }
  }

  private static long sum(LocalCluster cluster, String metric) {
    return cluster.nodes().stream().mapToLong(id -> cluster.node(id).metrics().getOrDefault(metric, 0L)).sum();
  }

  /** Waits until the three replicas of {@code key} hold equal sets (the third gets a write after W = 2 answered). */
  private static void awaitReplicasEqual(LocalCluster cluster, String store, String key) {
    StorageKey sk = cluster.keySpace().storageKey(store, key.getBytes(StandardCharsets.UTF_8));
    LoopbackCluster.waitFor(() -> {
      Set<Optional<VersionSet>> held = cluster.nodes().stream().map(id -> cluster.storage(id).get(sk))
          .collect(Collectors.toSet());
      return held.size() == 1 && held.iterator().next().isPresent();
    }, DEADLINE, true);
  }
}
