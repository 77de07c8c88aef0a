package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.spi.ScanRange;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.version.VersionSetCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A set larger than the largest value, on a simulated cluster: each element is kept and
 * replicated under a key of its own, so an add writes one element's worth of bytes however large
 * the set is, and a read gathers the elements a page at a time, repairing a replica that lacks some.
 */
class LargeSetTest {

  private static final int ELEMENTS = 3_000; // about 3 pages, and more than a 64 KiB value holds

  private static DynamoClient client(MembershipCluster c) {
    DynamoClient client = DynamoClient.newBuilder().transport(c.sim.network().transport(Endpoint.of("client", 7000)))
        .requestTimeout(Duration.ofSeconds(2)).clock(c.sim.clock()).scheduler(c.sim.scheduler())
        .random(c.sim.newRandom()).seed(c.endpoints.get(NodeId.of("n0"))).build();
    c.await(client.startAsync());
    return client;
  }

  /** The largest encoded version set {@code disk} holds in {@code store}, in bytes. */
  private static int largestValue(MembershipCluster c, StorageEngine disk, String store) {
    int[] largest = {0};
    for (int p = 0; p < MembershipCluster.Q; p++) {
      disk.scan(ScanRange.partition(store, p), (k, v) -> {
        largest[0] = Math.max(largest[0], VersionSetCodec.encode(v).length);
        return true;
      });
    }
    return largest[0];
  }

  private static long keysHeld(StorageEngine disk, String store) {
    long[] n = {0};
    for (int p = 0; p < MembershipCluster.Q; p++) {
      disk.scan(ScanRange.partition(store, p), (k, v) -> {
        n[0]++;
        return true;
      });
    }
    return n[0];
  }

  @Test
  void aSetOutgrowsTheValueLimitAndEachAddWritesOneElement() {
    try (MembershipCluster c = new MembershipCluster(111, 3); DynamoClient client = client(c)) {
      SetStore<String> viaNode = c.node("n0").sets("big", Codec.utf8());
      SetStore<String> viaClient = client.sets("big", Codec.utf8());
      List<CompletableFuture<Void>> adds = new ArrayList<>();
      for (int i = 0; i < ELEMENTS; i++) {
        adds.add((i % 2 == 0 ? viaNode : viaClient).addAsync("members", "member-" + i));
        if (adds.size() == 100) {
          adds.forEach(c::await);
          adds.clear();
        }
      }
      adds.forEach(c::await);
      c.pass(Duration.ofSeconds(1)); // the third replica's writes land

      // Each stored value is one element's state, not the set's.
      for (NodeId n : c.running.keySet()) {
        assertThat(largestValue(c, c.disks.get(n), "big")).as("largest value on %s", n).isLessThan(200);
        assertThat(keysHeld(c.disks.get(n), "big")).isEqualTo(ELEMENTS);
      }
      for (SetStore<String> reader : List.of(c.node("n1").sets("big", Codec.utf8()), viaClient)) {
        SetRead<String> read = c.await(reader.getAsync("members"));
        assertThat(read.elements()).hasSize(ELEMENTS).contains("member-0", "member-" + (ELEMENTS - 1));
      }
      assertThat(c.await(viaClient.containsAsync("members", "member-7"))).isTrue();
      assertThat(c.await(viaNode.containsAsync("members", "member-" + ELEMENTS))).isFalse();
      assertThat(c.await(viaNode.getAsync("others")).elements()).isEmpty();

      // A remove takes away what its read saw; an add it did not see stays.
      SetRead<String> seen = c.await(viaClient.getAsync("members"));
      c.await(c.node("n2").sets("big", Codec.utf8()).addAsync("members", "member-1"));
      c.await(viaNode.removeAsync("members", seen, "member-1"));
      c.await(viaNode.removeAsync("members", seen, "member-2"));
      SetRead<String> after = c.await(viaClient.getAsync("members"));
      assertThat(after.elements()).hasSize(ELEMENTS - 1).contains("member-1").doesNotContain("member-2");
      assertThat(c.await(viaClient.containsAsync("members", "member-2"))).isFalse();
    }
  }

  @Test
  void aReadRepairsAReplicaThatLacksElements() {
    try (MembershipCluster c = new MembershipCluster(113, 3)) {
      SetStore<String> set = c.node("n0").sets("big", Codec.utf8());
      List<CompletableFuture<Void>> adds = new ArrayList<>();
      for (int i = 0; i < 1_500; i++) {
        adds.add(set.addAsync("members", "member-" + i));
      }
      adds.forEach(c::await);
      c.pass(Duration.ofSeconds(1));
      NodeId wiped = NodeId.of("n1");
      for (int p = 0; p < MembershipCluster.Q; p++) {
        c.await(c.disks.get(wiped).dropPartition("big", p));
      }
      assertThat(keysHeld(c.disks.get(wiped), "big")).isZero();

      // n1 reads its own copy first: it lacks every element, the other replica has them all.
      SetRead<String> read = c.await(c.node("n1").sets("big", Codec.utf8()).getAsync("members"));
      assertThat(read.elements()).hasSize(1_500);
      c.pass(Duration.ofSeconds(1));
      assertThat(keysHeld(c.disks.get(wiped), "big")).isEqualTo(1_500);
      assertThat(c.node("n1").metrics().get("scans")).isGreaterThanOrEqualTo(2);
      assertThat(c.node("n1").metrics().get("read.repairs")).isGreaterThanOrEqualTo(1_500);
    }
  }

  @Test
  void aSetKeyLeavesRoomForItsElements() {
    try (MembershipCluster c = new MembershipCluster(115, 3)) {
      SetStore<String> set = c.node("n0").sets("big", Codec.utf8());
      String longest = "k".repeat(1024 - 19); // 1024 bytes less a 2-byte length, a marker and a 16-byte hash
      c.await(set.addAsync(longest, "x"));
      assertThat(c.await(set.getAsync(longest)).elements()).containsExactly("x");
      assertThatThrownBy(() -> set.add(longest + "k", "x")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("set key length : 1006 bytes (expected: <= maxKeyBytes - 19 = 1005");
    }
  }
}
