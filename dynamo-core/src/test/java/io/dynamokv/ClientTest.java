package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.PrimaryGet;
import io.dynamokv.spi.RemoteFailureException;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Transport;
import io.dynamokv.spi.version.ActorId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The client of a cluster on the simulated network: it learns the ring from a seed, sends each
 * request to a replica of its key (so no node sees a request for a key it does not replicate),
 * follows joins, leaves and removals, and fails over when a node dies or cannot be reached from
 * it; and it takes the same input, with the same errors, as a node's stores.
 */
class ClientTest {

  private static final Endpoint CLIENT = Endpoint.of("client", 7000);

  private static DynamoClient client(MembershipCluster c, Endpoint... seeds) {
    DynamoClientBuilder b = DynamoClient.newBuilder()
        .transport(c.sim.network().transport(CLIENT))
        .requestTimeout(Duration.ofSeconds(2))
        .clock(c.sim.clock())
        .scheduler(c.sim.scheduler())
        .random(c.sim.newRandom());
    for (Endpoint seed : seeds.length > 0 ? seeds : new Endpoint[] {c.endpoints.get(NodeId.of("n0"))}) {
      b.seed(seed);
    }
    DynamoClient client = b.build();
    c.await(client.startAsync());
    return client;
  }

  private static long misrouted(MembershipCluster c) {
    return c.running.values().stream().mapToLong(n -> n.metrics().get("requests.misrouted")).sum();
  }

  private static long forwarded(MembershipCluster c) {
    return sum(c, "puts.forwarded");
  }

  private static long sum(MembershipCluster c, String counter) {
    return c.running.values().stream().mapToLong(n -> n.metrics().get(counter)).sum();
  }

  @Test
  void everyRequestGoesToAReplicaOfItsKey() {
    for (int size : new int[] {3, 5}) {
      try (MembershipCluster c = new MembershipCluster(size, size); DynamoClient client = client(c)) {
        Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
        for (int i = 0; i < 200; i++) {
          String key = "k" + i;
          Context written = c.await(store.putAsync(key, Context.EMPTY, "v" + i));
          assertThat(written).isNotNull();
          assertThat(c.await(store.getAsync(key)).values()).containsExactly("v" + i);
        }
        assertThat(misrouted(c)).as("requests that reached a node not replicating the key").isZero();
        assertThat(forwarded(c)).as("puts a node passed on to another").isZero();
        assertThat(client.metrics()).containsEntry("requests", 400L).containsEntry("requests.failed.over", 0L);
        // Gets read two primaries directly; while the client learns the usual round trip (the
        // simulated network's is 2 to 10 ms) a few stop waiting early and go through a coordinator.
        long direct = client.metrics().get("reads.direct");
        long missed = client.metrics().get("reads.direct.missed");
        assertThat(direct + missed).isEqualTo(200);
        assertThat(direct).isGreaterThan(180);
        assertThat(sum(c, "gets")).as("gets coordinated").isEqualTo(missed);
        // Of the R = 2 primaries a get asks, one sends its set and the other only its digest.
        assertThat(sum(c, "gets.served.to.clients")).as("whole sets read by the client: one a get")
            .isBetween(direct, direct + missed);
        assertThat(sum(c, "digests.served.to.clients")).as("digests read by the client: R - 1 a get")
            .isBetween(direct, direct + missed);
        assertThat(sum(c, "served.to.clients.from.memory")).as("the in-memory engine holds every key in memory")
            .isEqualTo(sum(c, "gets.served.to.clients") + sum(c, "digests.served.to.clients"));
      }
    }
  }

  /**
   * A client's read of a copy the storage engine cannot read from memory is not served on an I/O
   * thread (where it could wait for the disk) but on a request thread, and still answered.
   */
  @Test
  void aReadTheEngineCannotMakeFromMemoryIsServedOffTheIoThread() {
    java.util.function.UnaryOperator<StorageEngine> onDisk = disk -> (StorageEngine) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {StorageEngine.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getFromMemory" -> Optional.empty();
          case "digestFromMemory" -> java.util.OptionalLong.empty();
          default -> invoke(method, disk, args);
        });
    try (MembershipCluster c = new MembershipCluster(19, 3, onDisk); DynamoClient client = client(c)) {
      Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
      c.await(store.putAsync("cart", Context.EMPTY, "v"));
      c.pass(Duration.ofSeconds(1)); // all three hold it
      learnTheRoundTrip(c, store);
      long direct = client.metrics().get("reads.direct");
      assertThat(c.await(store.getAsync("cart")).values()).containsExactly("v");
      assertThat(client.metrics().get("reads.direct") - direct).as("read from the primaries directly").isEqualTo(1);
      assertThat(sum(c, "gets.served.to.clients") + sum(c, "digests.served.to.clients")).isGreaterThanOrEqualTo(2);
      assertThat(sum(c, "served.to.clients.from.memory")).as("served on an I/O thread").isZero();
    }
  }

  private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * A direct read is counted before its caller sees it: DirectReadsIT, reading the client's
   * metrics right after its last get returned, once found that get not yet counted.
   */
  @Test
  void aDirectReadIsCountedBeforeItsCallerSeesIt() {
    try (MembershipCluster c = new MembershipCluster(17, 3); DynamoClient client = client(c)) {
      Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
      c.await(store.putAsync("cart", Context.EMPTY, "v"));
      c.pass(Duration.ofSeconds(1)); // all three hold it
      learnTheRoundTrip(c, store); // so that the read is not given up on as slow
      long before = client.metrics().get("reads.direct") + client.metrics().get("reads.direct.missed");
      // The future a blocked get waits for: its caller wakes as it completes.
      long seen = c.await(client.coordination().get(MembershipCluster.STORE, "cart".getBytes(StandardCharsets.UTF_8), 3, 2,
          Duration.ofSeconds(2)).thenApply(read -> client.metrics().get("reads.direct") + client.metrics().get("reads.direct.missed")));
      assertThat(seen - before).as("reads counted when the caller saw this one").isEqualTo(1);
    }
  }

  @Test
  void replicasThatDifferAreReadThroughACoordinatorWhichRepairsThem() {
    try (MembershipCluster c = new MembershipCluster(13, 3); DynamoClient client = client(c)) {
      Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
      learnTheRoundTrip(c, store);
      c.await(store.putAsync("cart", Context.EMPTY, "old"));
      c.pass(Duration.ofSeconds(1)); // all three hold it
      long missed = client.metrics().get("reads.direct.missed");
      long coordinated = sum(c, "gets");
      // A later write that reached the first primary only (the others missed it).
      byte[] cart = "cart".getBytes(StandardCharsets.UTF_8);
      NodeId first = c.ring().preferenceList(cart, 3).primaries().get(0);
      StorageKey sk = c.ring().keySpace().storageKey(MembershipCluster.STORE, cart);
      byte[] newer = "new".getBytes(StandardCharsets.UTF_8);
      long now = c.sim.clock().currentTimeMillis();
      c.await(c.disks.get(first).update(sk, v -> v.put(v.context(), ActorId.of(first, 99), newer, now)));

      assertThat(c.await(store.getAsync("cart")).values()).as("the newer write, not one replica's older copy")
          .containsExactly("new");
      assertThat(client.metrics()).containsEntry("reads.direct.missed", missed + 1);
      assertThat(sum(c, "gets") - coordinated).as("read again through a coordinator").isEqualTo(1);
      c.pass(Duration.ofSeconds(1));
      assertThat(sum(c, "read.repairs")).isPositive();

      long direct = client.metrics().get("reads.direct");
      assertThat(c.await(store.getAsync("cart")).values()).containsExactly("new");
      assertThat(client.metrics()).as("repaired: the replicas agree again")
          .containsEntry("reads.direct", direct + 1).containsEntry("reads.direct.missed", missed + 1);
    }
  }

  @Test
  void aPrimarySilentToADirectReadIsWaitedForAFewRoundTripsOnlyAndAskedLast() {
    try (MembershipCluster c = new MembershipCluster(19, 3); DynamoClient client = client(c)) {
      Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
      NodeId silent = NodeId.of("n1");
      String key = keysWithFirstPrimary(c, silent, 1).get(0);
      c.await(store.putAsync(key, Context.EMPTY, "v"));
      learnTheRoundTrip(c, store);
      long missed = client.metrics().get("reads.direct.missed");
      // Silent to the client only (as a node in a long pause would be): the client still believes it up.
      c.sim.network().cutLink(CLIENT, c.endpoints.get(silent));
      long start = c.sim.clock().currentTimeMillis();
      assertThat(c.await(store.getAsync(key)).values()).containsExactly("v");
      assertThat(c.sim.clock().currentTimeMillis() - start)
          .as("ms to read, with a deadline of 2,000 ms: not half of it waiting for the silent primary, twice")
          .isLessThan(100);
      assertThat(client.metrics()).containsEntry("reads.direct.missed", missed + 1)
          .containsEntry("requests.failed.over", 0L);
    }
  }

  @Test
  void aNodeThatIsNotAPrimaryRefusesADirectReadAndTheReadGoesThroughACoordinator() {
    try (MembershipCluster c = new MembershipCluster(17, 4); DynamoClient client = client(c)) {
      Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
      c.await(store.putAsync("k", Context.EMPTY, "v"));
      NodeId outside = c.ring().nodes().stream()
          .filter(n -> !c.ring().preferenceList("k".getBytes(StandardCharsets.UTF_8), 2).primaries().contains(n))
          .findFirst().orElseThrow();
      // As a client with a stale ring would: ask a node that is not a primary for its copy.
      Transport stale = c.sim.network().transport(Endpoint.of("stale", 7000));
      stale.start(m -> CompletableFuture.failedFuture(new IllegalStateException("not served")));
      assertThatThrownBy(() -> c.await(stale.request(c.endpoints.get(outside),
          new Addressed(outside, new PrimaryGet(MembershipCluster.STORE, "k".getBytes(StandardCharsets.UTF_8), 2)),
          Duration.ofSeconds(1))))
          .cause().isInstanceOf(RemoteFailureException.class)
          .hasMessageContaining("as a primary reached " + outside)
          .hasMessageContaining("expected: one of its primaries");
      assertThat(c.node(outside.value()).metrics().get("requests.misrouted")).isEqualTo(1);
      assertThat(c.await(store.getAsync("k", ReadOptions.defaults().withR(2))).values()).containsExactly("v");
    }
  }

  @Test
  void contextsCrossBetweenClientAndNodes() {
    try (MembershipCluster c = new MembershipCluster(21, 3); DynamoClient client = client(c)) {
      Store<String> viaClient = client.store(MembershipCluster.STORE, Codec.utf8());
      Store<String> viaNode = c.node("n1").store(MembershipCluster.STORE, Codec.utf8());
      Context first = c.await(viaClient.putAsync("cart", Context.EMPTY, "a"));
      Context second = c.await(viaNode.putAsync("cart", first, "b"));
      assertThat(c.await(viaClient.getAsync("cart")).values()).containsExactly("b");
      GetResult<String> read = c.await(viaClient.getAsync("cart"));
      c.await(viaNode.putAsync("cart", read.context(), "c"));
      GetResult<String> byNode = c.await(viaNode.getAsync("cart"));
      assertThat(byNode.values()).containsExactly("c");
      c.await(viaClient.putAsync("cart", byNode.context(), "d"));
      assertThat(c.await(viaNode.getAsync("cart")).values()).as("no sibling: each context covered the last write")
          .containsExactly("d");
      assertThat(second).isNotEqualTo(first);
    }
  }

  @Test
  void followsAJoinAndALeaveLosingNothing() {
    try (MembershipCluster c = new MembershipCluster(31, 3); DynamoClient client = client(c)) {
      MembershipCluster.Writers writers = c.new Writers().through(client).start(4);
      c.pass(Duration.ofSeconds(5));
      DynamoNode joiner = c.join("n3");
      c.await(joiner.joinedAsync());
      c.awaitCondition(c::agree, Duration.ofMinutes(2));
      c.pass(Duration.ofSeconds(3)); // a ring refresh interval or more
      long ringVersion = c.ring().version();
      assertThat(client.metrics().get("ring.version")).isEqualTo(ringVersion);
      long settled = misrouted(c);
      c.pass(Duration.ofSeconds(5));
      assertThat(misrouted(c) - settled).as("misrouted once the client holds the new ring").isZero();

      c.await(c.node("n1").leaveAsync());
      c.kill(NodeId.of("n1"));
      c.awaitCondition(c::agree, Duration.ofMinutes(2));
      c.pass(Duration.ofSeconds(3));
      assertThat(client.metrics().get("ring.version")).isEqualTo(c.ring().version());
      settled = misrouted(c);
      c.pass(Duration.ofSeconds(5));
      assertThat(misrouted(c) - settled).isZero();
      writers.stop();
      c.pass(Duration.ofSeconds(3));
      assertThat(writers.failed).as("writes failed through the client").isEmpty();
      assertEveryAcknowledgedKeyReads(c, client, writers);
      assertThat(client.metrics().get("ring.changes")).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void followsARemovalLosingNothing() {
    try (MembershipCluster c = new MembershipCluster(41, 4); DynamoClient client = client(c)) {
      MembershipCluster.Writers writers = c.new Writers().through(client).start(4);
      c.pass(Duration.ofSeconds(5));
      c.kill(NodeId.of("n3"));
      c.pass(Duration.ofSeconds(3));
      c.node("n0").removeNode(NodeId.of("n3"));
      c.awaitCondition(() -> c.agree() && !c.ring().nodes().contains(NodeId.of("n3")), Duration.ofMinutes(2));
      c.pass(Duration.ofSeconds(3));
      assertThat(client.metrics().get("ring.version")).isEqualTo(c.ring().version());
      long settled = misrouted(c);
      c.pass(Duration.ofSeconds(5));
      assertThat(misrouted(c) - settled).isZero();
      writers.stop();
      c.pass(Duration.ofSeconds(3));
      assertThat(writers.failed).isEmpty();
      assertEveryAcknowledgedKeyReads(c, client, writers);
    }
  }

  @Test
  void failsOverWithinTheDeadlineWhenANodeDiesOrIsCutOffFromTheClientOnly() {
    try (MembershipCluster c = new MembershipCluster(51, 3); DynamoClient client = client(c)) {
      Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
      NodeId cut = NodeId.of("n2");
      // Cut off from the client only: the nodes still reach it, so it keeps its replicas.
      c.sim.network().cutLink(CLIENT, c.endpoints.get(cut));
      List<String> keys = keysWithFirstPrimary(c, cut, 20);
      for (String key : keys) {
        long start = c.sim.clock().currentTimeMillis();
        c.await(store.putAsync(key, Context.EMPTY, key));
        assertThat(c.sim.clock().currentTimeMillis() - start).as("put of %s, ms", key).isLessThanOrEqualTo(2000);
      }
      assertThat(client.metrics().get("requests.failed.over")).isPositive();
      for (String key : keys) {
        assertThat(c.holds(cut, key)).as("%s on the node the client cannot reach", key).isTrue();
      }
      c.sim.network().heal();
      // Now silent to everyone: the client's writes still succeed, within the deadline.
      c.sim.network().isolate(c.endpoints.get(cut));
      c.pass(Duration.ofSeconds(2));
      for (String key : keysWithFirstPrimary(c, cut, 40).subList(20, 40)) {
        long start = c.sim.clock().currentTimeMillis();
        c.await(store.putAsync(key, Context.EMPTY, key));
        assertThat(c.sim.clock().currentTimeMillis() - start).isLessThanOrEqualTo(2000);
        assertThat(c.await(store.getAsync(key)).values()).containsExactly(key);
      }
      assertThat(client.metrics().get("requests.failed")).isZero();
    }
  }

  @Test
  void badInputGetsTheErrorsANodeGives() {
    try (MembershipCluster c = new MembershipCluster(61, 3); DynamoClient client = client(c)) {
      Store<String> viaClient = client.store(MembershipCluster.STORE, Codec.utf8());
      Store<String> viaNode = c.node("n0").store(MembershipCluster.STORE, Codec.utf8());
      String longKey = "k".repeat(1025);
      assertThat(messageOf(() -> viaClient.put(longKey, Context.EMPTY, "v")))
          .isEqualTo(messageOf(() -> viaNode.put(longKey, Context.EMPTY, "v")))
          .contains("key length : 1025 bytes");
      String longValue = "v".repeat((1 << 20) + 1);
      assertThat(messageOf(() -> viaClient.put("k", Context.EMPTY, longValue)))
          .isEqualTo(messageOf(() -> viaNode.put("k", Context.EMPTY, longValue)));
      assertThat(messageOf(() -> viaClient.get("k", ReadOptions.defaults().withR(4))))
          .isEqualTo(messageOf(() -> viaNode.get("k", ReadOptions.defaults().withR(4))));
      assertThat(messageOf(() -> viaClient.get(null))).isEqualTo(messageOf(() -> viaNode.get(null)));
      assertThat(messageOf(() -> client.store("", Codec.utf8())))
          .isEqualTo(messageOf(() -> c.node("n0").store("", Codec.utf8())));
      assertThat(messageOf(() -> client.store("wide", Codec.utf8(), Replication.of(4, 2, 2))))
          .isEqualTo(messageOf(() -> c.node("n0").store("wide", Codec.utf8(), Replication.of(4, 2, 2))));
      assertThatThrownBy(() -> viaClient.get("k", ReadOptions.defaults().fromReplica(NodeId.of("n0"))))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("a client reads with a quorum");
    }
  }

  @Test
  void aClientThatReachesNoSeedFailsFastNamingThem() {
    try (MembershipCluster c = new MembershipCluster(71, 3)) {
      Endpoint nobody = Endpoint.of("nobody", 7000);
      Endpoint cutOff = c.endpoints.get(NodeId.of("n0"));
      c.sim.network().cutLink(CLIENT, cutOff);
      DynamoClient client = DynamoClient.newBuilder().transport(c.sim.network().transport(CLIENT))
          .requestTimeout(Duration.ofSeconds(1)).clock(c.sim.clock()).scheduler(c.sim.scheduler())
          .random(c.sim.newRandom()).seed(nobody).seed(cutOff).build();
      long start = c.sim.clock().currentTimeMillis();
      assertThatThrownBy(() -> c.await(client.startAsync()))
          .isInstanceOf(CompletionException.class).cause()
          .isInstanceOf(SeedsUnreachableException.class)
          .hasMessageContaining(nobody.toString()).hasMessageContaining(cutOff.toString());
      assertThat(c.sim.clock().currentTimeMillis() - start).isLessThanOrEqualTo(1000);
      assertThatThrownBy(() -> client.store("kv", Codec.utf8())).isInstanceOf(NodeNotRunningException.class);
      client.close();
    }
  }

  /** Reads enough for the client's usual round trip to be the simulated network's. */
  private static void learnTheRoundTrip(MembershipCluster c, Store<String> store) {
    for (int i = 0; i < 100; i++) {
      c.await(store.getAsync("warm-up-" + i));
    }
  }

  private static String messageOf(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    throw new AssertionError("no exception");
  }

  /** Keys whose first primary is {@code node}, so the client's first attempt goes to it. */
  private static List<String> keysWithFirstPrimary(MembershipCluster c, NodeId node, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String key = "key-of-" + node + "-" + i;
      if (c.ring().preferenceList(key.getBytes(StandardCharsets.UTF_8), 3).primaries().get(0).equals(node)) {
        keys.add(key);
      }
    }
    return keys;
  }

  private static void assertEveryAcknowledgedKeyReads(MembershipCluster c, DynamoClient client,
      MembershipCluster.Writers writers) {
    assertThat(writers.acknowledged).hasSizeGreaterThan(100);
    Store<String> store = client.store(MembershipCluster.STORE, Codec.utf8());
    List<String> lost = new ArrayList<>();
    for (String key : writers.acknowledged) {
      if (!c.await(store.getAsync(key)).values().contains(key)) {
        lost.add(key);
      }
    }
    assertThat(lost).as("acknowledged writes lost").isEmpty();
    assertThat(NodeAccess.runtime(c.running.values().iterator().next()).membership().ring().nodes())
        .isEqualTo(new java.util.TreeSet<>(c.running.keySet()));
  }
}
