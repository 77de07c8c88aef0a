package io.dynamokv.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.internal.Limits;
import io.dynamokv.internal.NodeContext;
import io.dynamokv.internal.membership.ClusterView;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.internal.wire.Ack;
import io.dynamokv.internal.wire.Addressed;
import io.dynamokv.internal.wire.MergeBatch;
import io.dynamokv.internal.wire.Ping;
import io.dynamokv.internal.wire.Pong;
import io.dynamokv.spi.Message;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import io.dynamokv.testkit.Simulation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue #31, item 1: a node that believed a removed peer down probed its address; any node that
 * answered there (a new one, started at the removed node's address) was taken for the removed
 * node, and the hints held for it were delivered to the newcomer. A peer is known by its id: a
 * probe counts only the node it meant, a peer that is no longer a member is no longer probed,
 * and its hints go to the keys' current replicas, never to its address.
 */
class AddressReuseTest {

  private static final NodeId SELF = NodeId.of("a");
  private static final NodeId GONE = NodeId.of("b");
  private static final NodeId REPLICA = NodeId.of("c");
  private static final Endpoint GONE_AT = Endpoint.of("b", 1);

  private final Simulation sim = new Simulation(31);
  private final StorageEngine storage = StorageEngine.inMemory();
  private final AtomicBoolean goneIsMember = new AtomicBoolean(true);
  private final AtomicReference<NodeId> answeringAtGoneAddress = new AtomicReference<>(NodeId.of("newcomer"));
  private final List<Message> receivedAtGoneAddress = new CopyOnWriteArrayList<>();
  private final List<Message> receivedByReplica = new CopyOnWriteArrayList<>();
  // Every partition owned by c: the current replica of every key once b is gone.
  private final Ring ring = Ring.of(2, Collections.nCopies(16, REPLICA));

  private final ClusterView view = new ClusterView() {
    @Override
    public Ring ring() {
      return ring;
    }

    @Override
    public Optional<Ring> pendingRing() {
      return Optional.empty();
    }

    @Override
    public Optional<Endpoint> endpointOf(NodeId node) {
      return node.equals(GONE) ? Optional.of(GONE_AT) : Optional.of(Endpoint.of(node.value(), 1));
    }

    @Override
    public boolean isMember(NodeId node) {
      return !node.equals(GONE) || goneIsMember.get();
    }
  };

  private final NodeContext context = new NodeContext(SELF,
      new io.dynamokv.internal.OwnActor(ActorId.of(SELF, 1), storage, sim.scheduler(), sim.newRandom()), storage,
      sim.network().transport(Endpoint.of("a", 1)), sim.scheduler(), sim.clock(), sim.newRandom(),
      Duration.ofSeconds(1), store -> 1, new Limits(1024, 1 << 20, 64, 4 << 20),
      new io.dynamokv.internal.KnownStores(storage, 100));

  AddressReuseTest() {
    // Whatever node listens at b's old address ignores whom a request is addressed to: it answers
    // pings with its own id, and acks batches.
    sim.network().transport(GONE_AT).start(m -> {
      receivedAtGoneAddress.add(m);
      Message request = m instanceof Addressed a ? a.message() : m;
      return CompletableFuture.completedFuture(request instanceof Ping p
          ? new Pong(p.nonce(), Optional.of(answeringAtGoneAddress.get())) : new Ack());
    });
    sim.network().transport(Endpoint.of("c", 1)).start(m -> {
      receivedByReplica.add(m);
      return CompletableFuture.completedFuture(new Ack());
    });
  }

  @Test
  void aProbeAnsweredByAnotherNodeDoesNotMarkThePeerUp() {
    PeerHealth health = new PeerHealth(context, view, Duration.ofSeconds(1), new NodeMetrics(), n -> false);
    health.start();
    health.markDown(GONE, "stopped", health.now());
    sim.runFor(Duration.ofSeconds(5));
    assertThat(health.isUp(GONE)).as("b, while a newcomer answers at its address").isFalse();
    assertThat(receivedAtGoneAddress).as("probes, each addressed to b").isNotEmpty()
        .allSatisfy(m -> assertThat(m).isEqualTo(new Addressed(GONE, new Ping(0))));

    answeringAtGoneAddress.set(GONE); // b itself is back
    sim.runFor(Duration.ofSeconds(3));
    assertThat(health.isUp(GONE)).isTrue();
    health.stop();
  }

  @Test
  void aPeerThatIsNoLongerAMemberIsNotProbedAndItsHintsGoToTheCurrentReplicas() {
    VersionSet versions = VersionSet.EMPTY.put(VersionVector.EMPTY, ActorId.of(SELF, 1),
        "milk".getBytes(StandardCharsets.UTF_8), 1);
    storage.putHint(GONE, ring.keySpace().storageKey("carts", "alice".getBytes(StandardCharsets.UTF_8)), versions).join();
    PeerHealth health = new PeerHealth(context, view, Duration.ofSeconds(1), new NodeMetrics(), n -> false);
    HintedHandoff handoff = new HintedHandoff(context, view, health, new NodeMetrics(), Duration.ofHours(1), 100);
    health.start();
    handoff.start();
    health.markDown(GONE, "stopped", health.now());
    goneIsMember.set(false); // an operator removed b
    answeringAtGoneAddress.set(GONE); // even an answer in b's name at its address counts for nothing now
    sim.runFor(Duration.ofSeconds(5));
    handoff.deliverTo(GONE); // as the on-up path would
    sim.runFor(Duration.ofSeconds(5));

    assertThat(receivedAtGoneAddress).as("requests sent to b's old address").isEmpty();
    assertThat(receivedByReplica).hasSize(1).first().isInstanceOf(Addressed.class)
        .satisfies(m -> assertThat(((Addressed) m).to()).isEqualTo(REPLICA))
        .satisfies(m -> assertThat(((Addressed) m).message()).isInstanceOf(MergeBatch.class));
    assertThat(storage.hints(GONE, 10)).isEmpty();
    health.stop();
    handoff.stop();
  }

  @Test
  void aRequestMeantForAnotherNodeIsRefused() {
    ReplicaService service = new ReplicaService(SELF, ring::keySpace, storage, null, new NodeMetrics(),
        m -> CompletableFuture.failedFuture(new IllegalStateException("no gossip here")),
        new Limits(1024, 1 << 20, 64, 4 << 20), new io.dynamokv.internal.KnownStores(storage, 100), context.actor(),
        new io.dynamokv.internal.metrics.Latencies(io.dynamokv.spi.SystemClock.INSTANCE, java.time.Duration.ofMinutes(1), true));
    io.dynamokv.internal.wire.ReplicaPut put = new io.dynamokv.internal.wire.ReplicaPut("carts",
        "alice".getBytes(StandardCharsets.UTF_8), VersionSet.EMPTY.put(VersionVector.EMPTY, ActorId.of(GONE, 1),
            "milk".getBytes(StandardCharsets.UTF_8), 1), Optional.empty());
    assertThat(service.handle(new Addressed(GONE, put))).isCompletedExceptionally();
    assertThat(storage.get(ring.keySpace().storageKey("carts", "alice".getBytes(StandardCharsets.UTF_8)))).isEmpty();
    assertThat(service.handle(new Addressed(SELF, put)).join()).isEqualTo(new Ack());
    assertThat(service.servesWithoutBlocking(new Addressed(SELF, put))).isTrue();
  }
}
