package io.dynamokv.examples.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.Codec;
import io.dynamokv.MapRead;
import io.dynamokv.examples.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import site.ycsb.DBException;
import site.ycsb.ByteIterator;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/** The YCSB binding's operations against its embedded three-node cluster. */
class DynamoYcsbClientIT {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"sync, map", "async, map", "sync, value"})
  void insertReadUpdateDelete(String durability, String records) throws Exception {
    DynamoYcsbClient db = new DynamoYcsbClient();
    Properties p = new Properties();
    p.setProperty("dynamo.dir", dir.toString());
    p.setProperty("dynamo.durability", durability);
    p.setProperty("dynamo.records", records);
    db.setProperties(p);
    db.init();
    try {
      assertThat(db.insert("usertable", "user1", StringByteIterator.getByteIteratorMap(
          Map.of("field0", "a", "field1", "b")))).isEqualTo(Status.OK);
      assertThat(db.update("usertable", "user1", StringByteIterator.getByteIteratorMap(
          Map.of("field1", "B", "field2", "c")))).isEqualTo(Status.OK);
      Map<String, ByteIterator> read = new HashMap<>();
      assertThat(db.read("usertable", "user1", null, read)).isEqualTo(Status.OK);
      assertThat(StringByteIterator.getStringMap(read)).containsExactlyInAnyOrderEntriesOf(
          Map.of("field0", "a", "field1", "B", "field2", "c"));
      Map<String, ByteIterator> some = new HashMap<>();
      assertThat(db.read("usertable", "user1", Set.of("field2"), some)).isEqualTo(Status.OK);
      assertThat(some).containsOnlyKeys("field2");
      assertThat(db.delete("usertable", "user1")).isEqualTo(Status.OK);
      assertThat(db.read("usertable", "user1", null, new HashMap<>())).isEqualTo(Status.NOT_FOUND);
      assertThat(db.scan("usertable", "user1", 10, null, new java.util.Vector<>())).isEqualTo(Status.NOT_IMPLEMENTED);
      long fsyncs = DynamoYcsbClient.clusterMetric("storage.wal.syncs");
      if (durability.equals("sync")) {
        assertThat(fsyncs).as("writes fsync'd").isPositive();
      } else {
        assertThat(fsyncs).as("writes left in the page cache").isZero();
      }
    } finally {
      db.cleanup();
    }
  }

  /** Client mode: the binding's DynamoClient against nodes it did not start (here, in this JVM). */
  @Test
  void clientModeReadsAndWritesThroughTheSeeds() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir.resolve("nodes"), 3, Duration.ofSeconds(2))) {
      Path secret = dir.resolve("secret");
      Files.write(secret, cluster.clientSecret());
      Properties p = new Properties();
      p.setProperty("dynamo.seeds", "127.0.0.1:" + LocalCluster.freePort() + ","
          + cluster.endpoint(cluster.nodes().get(1)));  // one seed down: another is enough
      p.setProperty("dynamo.client.secret.file", secret.toString());
      DynamoYcsbClient db = new DynamoYcsbClient();
      db.setProperties(p);
      db.init();
      try {
        assertThat(db.insert("usertable", "user7", StringByteIterator.getByteIteratorMap(Map.of("field0", "x"))))
            .isEqualTo(Status.OK);
        assertThat(db.update("usertable", "user7", StringByteIterator.getByteIteratorMap(Map.of("field1", "y"))))
            .isEqualTo(Status.OK);
      } finally {
        db.cleanup();
      }
      MapRead stored = cluster.node(cluster.nodes().get(0)).maps("usertable").get("user7");
      assertThat(stored.register("field0", Codec.utf8())).contains("x");
      assertThat(stored.register("field1", Codec.utf8())).contains("y");
      // Without the secret the nodes close the connection: init fails and says where it tried.
      Properties noSecret = new Properties();
      noSecret.setProperty("dynamo.seeds", cluster.endpoint(cluster.nodes().get(0)).toString());
      DynamoYcsbClient refused = new DynamoYcsbClient();
      refused.setProperties(noSecret);
      assertThatThrownBy(refused::init).isInstanceOf(DBException.class)
          .hasMessageContaining("cannot connect to the cluster at " + cluster.endpoint(cluster.nodes().get(0)));
    }
  }

  @Test
  void anUnknownDurabilityIsRefusedByName() {
    assertThatThrownBy(() -> DynamoYcsbClient.durability("fast")).isInstanceOf(DBException.class)
        .hasMessage("dynamo.durability : fast (expected: sync or async)");
  }

  @Test
  void concurrentVersionsOfARecordMergeFieldByField() {
    assertThat(DynamoYcsbClient.mergeFields(java.util.List.of(Map.of("a", "1", "b", "x"), Map.of("b", "y", "c", "3"))))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "y", "c", "3"));
  }
}
