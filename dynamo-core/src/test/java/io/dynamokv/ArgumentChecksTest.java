package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.spi.StorageEngine;
import io.dynamokv.testkit.Simulation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every argument check of the public API: the node's builder (each setting, set-once, the rules
 * between settings), the lifecycle, membership operations, and the option and replication
 * values. Each failure names the value and what was expected (invariant 10). The store's own
 * key, value, R and W checks are in {@code ClusterScenarios}.
 */
class ArgumentChecksTest {

  private final Simulation sim = new Simulation(3);
  private static final NodeId A = NodeId.of("a");

  private DynamoNodeBuilder builder() {
    return DynamoNode.newBuilder(A)
        .storage(StorageEngine.inMemory())
        .transport(sim.network().transport(Endpoint.of("a", 1)))
        .clock(sim.clock())
        .scheduler(sim.scheduler())
        .random(sim.newRandom());
  }

  @Test
  void builderSettingsRejectBadValuesWithTheValue() {
    DynamoNodeBuilder b = builder();
    assertThatThrownBy(() -> DynamoNode.newBuilder(null)).isInstanceOf(NullPointerException.class).hasMessage("id");
    assertThatThrownBy(() -> b.partitions(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO)).hasMessage("requestTimeout : PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.probeInterval(Duration.ofSeconds(-1))).hasMessage("probeInterval : PT-1S (expected: > 0)");
    assertThatThrownBy(() -> b.hintDeliveryInterval(Duration.ZERO)).hasMessage("hintDeliveryInterval : PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.antiEntropyInterval(Duration.ZERO)).hasMessage("antiEntropyInterval : PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.gossipInterval(Duration.ZERO)).hasMessage("gossipInterval : PT0S (expected: > 0)");
    assertThatThrownBy(() -> b.maxKeyBytes(0)).hasMessage("maxKeyBytes : 0 (expected: 1..65536)");
    assertThatThrownBy(() -> b.maxValueBytes(9 << 20)).hasMessage("maxValueBytes : 9437184 (expected: 1..8388608)");
    assertThatThrownBy(() -> b.maxSiblings(0)).hasMessage("maxSiblings : 0 (expected: 1..10000)");
    assertThatThrownBy(() -> b.maxBytesPerKey(65 << 20)).hasMessage("maxBytesPerKey : 68157440 (expected: 1..67108864)");
    assertThatThrownBy(() -> builder().member(A, Endpoint.of("a", 1)).replication(Replication.of(1, 1, 1))
        .maxValueBytes(2 << 20).maxBytesPerKey(1 << 20).build())
        .hasMessage("maxBytesPerKey : 1048576 (expected: >= maxValueBytes = 2097152)");
    assertThat(builder().member(A, Endpoint.of("a", 1)).replication(Replication.of(1, 1, 1)).maxValueBytes(8 << 20).build())
        .as("the default bytes per key grows with a larger value limit").isNotNull();
    assertThatThrownBy(() -> b.phiThreshold(0)).hasMessage("phiThreshold : 0.0 (expected: > 0 and <= 100)");
    assertThatThrownBy(() -> b.phiThreshold(Double.NaN)).hasMessage("phiThreshold : NaN (expected: > 0 and <= 100)");
    assertThatThrownBy(() -> b.weight(0)).hasMessage("weight : 0 (expected: 1..1000)");
    assertThatThrownBy(() -> b.transferRate(10)).hasMessage("transferRate : 10 (expected: >= 1024 bytes per second)");
    assertThatThrownBy(() -> b.seed(null)).isInstanceOf(NullPointerException.class).hasMessage("endpoint");
    assertThatThrownBy(() -> b.member(A, null)).isInstanceOf(NullPointerException.class).hasMessage("endpoint");
    assertThatThrownBy(() -> b.replication(null)).isInstanceOf(NullPointerException.class).hasMessage("replication");
  }

  @Test
  void settingsAreSetOnce() {
    DynamoNodeBuilder b = builder().gossipInterval(Duration.ofSeconds(2)).member(A, Endpoint.of("a", 1));
    assertThatThrownBy(() -> b.gossipInterval(Duration.ofSeconds(3))).isInstanceOf(IllegalStateException.class)
        .hasMessage("gossipInterval was already set to PT2S");
    assertThatThrownBy(() -> b.storage(StorageEngine.inMemory())).hasMessageStartingWith("storage was already set to ");
    assertThatThrownBy(() -> b.member(A, Endpoint.of("a", 2))).hasMessage("member a was already added at a:1");
    // A value that failed its check does not count as set.
    DynamoNodeBuilder c = builder();
    assertThatThrownBy(() -> c.weight(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(c.weight(2)).isSameAs(c);
  }

  @Test
  void buildChecksTheSettingsTogether() {
    assertThatThrownBy(() -> DynamoNode.newBuilder(A).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("storage is required");
    assertThatThrownBy(() -> DynamoNode.newBuilder(A).storage(StorageEngine.inMemory()).build())
        .hasMessageStartingWith("transport is required");
    assertThatThrownBy(() -> builder().build()).hasMessageStartingWith("members and seeds are empty");
    assertThatThrownBy(() -> builder().member(NodeId.of("b"), Endpoint.of("b", 1)).build())
        .hasMessage("members [b] (expected: to include this node, a)");
    assertThatThrownBy(() -> builder().member(A, Endpoint.of("a", 1)).build())
        .hasMessage("n : 3 (expected: <= cluster size = 1)");
    assertThat(builder().seed(Endpoint.of("b", 1)).build()).isNotNull(); // a joiner needs only seeds
  }

  @Test
  void lifecycleAndMembershipOperationsSayWhatIsWrong() {
    DynamoNode node = builder().member(A, Endpoint.of("a", 1)).replication(Replication.of(1, 1, 1)).build();
    assertThatThrownBy(() -> node.store("s", Codec.utf8())).isInstanceOf(NodeNotRunningException.class)
        .hasMessageContaining("is NEW (expected: RUNNING)");
    assertThat(node.leaveAsync()).isCompletedExceptionally();
    assertThatThrownBy(node::status).isInstanceOf(NodeNotRunningException.class);
    node.start();
    assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class).hasMessage("node a is RUNNING (expected: NEW)");
    assertThatThrownBy(() -> node.removeNode(A)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node : a (expected: another node; to remove this one, leave())");
    assertThatThrownBy(() -> node.removeNode(NodeId.of("zz"))).hasMessage("node : zz (expected: a member; known: [a])");
    assertThatThrownBy(() -> node.store("s", Codec.utf8(), Replication.of(2, 1, 1)))
        .hasMessage("n : 2 (expected: <= cluster size = 1)");
    assertThatThrownBy(() -> node.store("", Codec.utf8())).isInstanceOf(IllegalArgumentException.class);
    node.close();
    node.close(); // idempotent
  }

  @Test
  void replicationAndOptionsRejectBadValues() {
    assertThatThrownBy(() -> Replication.of(0, 1, 1)).hasMessage("n : 0 (expected: >= 1)");
    assertThatThrownBy(() -> Replication.of(3, 4, 1)).hasMessage("r : 4 (expected: 1..n = 3)");
    assertThatThrownBy(() -> Replication.of(3, 2, 0)).hasMessage("w : 0 (expected: 1..n = 3)");
    assertThatThrownBy(() -> ReadOptions.defaults().withR(0)).hasMessage("r : 0 (expected: >= 1)");
    assertThatThrownBy(() -> WriteOptions.defaults().withW(0)).hasMessage("w : 0 (expected: >= 1)");
    assertThatThrownBy(() -> ReadOptions.defaults().withTimeout(Duration.ZERO)).hasMessage("timeout : PT0S (expected: > 0)");
    assertThatThrownBy(() -> WriteOptions.defaults().withTimeout(Duration.ofMillis(-1)))
        .hasMessage("timeout : PT-0.001S (expected: > 0)");
  }
}
