package io.dynamokv.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import io.dynamokv.RepairReport;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #28: the work anti-entropy does to find and repair a handful of differing keys, as the
 * keys a node holds grow. Three nodes (Q = 8) hold the same K keys but for five, which one node
 * holds newer; a repair pass finds and moves them. Prints the bytes by message type; checks that
 * the Merkle exchange costs the same whatever K, and that what moves grows with the keys of the
 * differing segments only (K / (Q * 256) each), not with K.
 */
class AntiEntropyAtScaleTest {

  private static final int Q = 8;
  private static final int DIFFERING = 5;

  @Test
  void findingAHandfulOfDifferencesCostsTheirSegmentsNotTheWholeStore() {
    List<long[]> results = new ArrayList<>();
    for (String k : System.getProperty("scale.ae.keys", "2000,20000").split(",")) {
      int keys = Integer.parseInt(k.trim());
      results.add(measure(keys));
    }
    long leavesFirst = results.get(0)[1];
    for (long[] r : results) {
      assertThat(r[1]).as("Merkle leaves bytes with %d keys", r[0]).isEqualTo(leavesFirst);
      // Two replicas held the older versions: each is repaired once.
      assertThat(r[3]).as("keys repaired with %d keys", r[0]).isEqualTo(2 * DIFFERING);
      // Scanning a differing segment sends its keys: K / (Q * 256) each, a few times over at most.
      long perSegment = Math.max(1, r[0] / (Q * 256));
      assertThat(r[2]).as("segment bytes with %d keys", r[0]).isLessThan(DIFFERING * 2 * 3 * (perSegment + 2) * 200);
    }
  }

  /** Returns {keys, Merkle leaf bytes, segment scan and merge bytes, keys repaired}. */
  private static long[] measure(int keys) {
    try (ScaleCluster c = new ScaleCluster(2807, 3, Q, Duration.ofHours(1))) {
      c.timeUntil(c::ringSettled, Duration.ofMinutes(1));
      ActorId actor = ActorId.of(NodeId.of("writer"), 1);
      for (int i = 0; i < keys; i++) {
        StorageKey key = key(c, i);
        VersionSet v = VersionSet.EMPTY.put(VersionVector.EMPTY, actor, ("value " + i).getBytes(StandardCharsets.UTF_8), 1);
        for (StorageEngine disk : c.disks.values()) {
          c.sim.await(disk.update(key, old -> v), Duration.ofSeconds(5));
        }
      }
      StorageEngine newer = c.disks.get(NodeId.of("n1"));
      for (int i = 0; i < DIFFERING; i++) {
        StorageKey key = key(c, i * (keys / DIFFERING));
        c.sim.await(newer.update(key, old -> old.put(old.context(), actor, "newer".getBytes(StandardCharsets.UTF_8), 2)),
            Duration.ofSeconds(5));
      }
      c.meter.reset();
      long repaired = 0;
      for (var node : c.running.values()) {
        RepairReport r = c.sim.await(node.repairAsync(), Duration.ofMinutes(5));
        repaired += r.keysReceived() + r.keysSent();
      }
      long leaves = 0;
      long segments = 0;
      StringBuilder line = new StringBuilder();
      for (Map.Entry<String, long[]> e : c.meter.byType().entrySet()) {
        line.append(String.format(Locale.ROOT, " %s %d msgs %d B;", e.getKey(), e.getValue()[0], e.getValue()[1]));
        if (e.getKey().startsWith("MERKLE")) {
          leaves += e.getValue()[1];
        } else {
          segments += e.getValue()[1];
        }
      }
      System.out.printf("anti-entropy, %d keys on 3 nodes, Q=%d, %d differing: %d keys repaired;%s%n", keys, Q,
          DIFFERING, repaired, line);
      return new long[] {keys, leaves, segments, repaired};
    }
  }

  private static StorageKey key(ScaleCluster c, int i) {
    return c.ring().keySpace().storageKey("kv", ("key-" + i).getBytes(StandardCharsets.UTF_8));
  }
}
