package io.dynamokv.internal.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.NodeId;
import io.dynamokv.spi.Clock;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FallbackActorTest {

  private static final ActorId OWN = ActorId.of(NodeId.of("n1"), 42);

  private final long[] millis = {1_000_000};
  private final Clock clock = new Clock() {
    @Override
    public long currentTimeMillis() {
      return millis[0];
    }

    @Override
    public long nanoTime() {
      return millis[0] * 1_000_000;
    }
  };
  private final FallbackActor fallback = new FallbackActor(OWN, new SplittableRandom(7), clock);

  private static StorageKey key(int i) {
    return StorageKey.of("s", 0, 0, ("k" + i).getBytes(StandardCharsets.UTF_8));
  }

  private VersionSet blindWrite(StorageKey key, String value) {
    return fallback.apply(key, actor -> current ->
        current.put(VersionVector.EMPTY, actor, value.getBytes(StandardCharsets.UTF_8), millis[0]));
  }

  @Test
  void writesOfOneKeyBuildOnEachOtherUnderAnActorThatIsNotTheNodes() {
    blindWrite(key(1), "a");
    VersionSet second = blindWrite(key(1), "b");
    assertThat(fallback.current()).isNotEqualTo(OWN);
    assertThat(fallback.current().node()).isEqualTo(OWN.node());
    // Two blind writes are concurrent: the second set holds both, with two dots of one actor.
    assertThat(second.values()).hasSize(2);
    assertThat(second.context().counter(fallback.current())).isEqualTo(2);
    assertThat(fallback.heldFor(key(1))).isEqualTo(second);
    assertThat(fallback.heldFor(key(2))).isEqualTo(VersionSet.EMPTY);
  }

  @Test
  void theActorRetiresWhenFullOrIdleAndForgetsItsSets() {
    blindWrite(key(0), "x");
    ActorId first = fallback.current();
    for (int i = 1; i < FallbackActor.MAX_KEYS; i++) {
      blindWrite(key(i), "x");
    }
    assertThat(fallback.current()).isEqualTo(first);
    blindWrite(key(FallbackActor.MAX_KEYS), "x");
    ActorId second = fallback.current();
    assertThat(second).isNotEqualTo(first);
    // The retired actor's sets are gone: a new write starts from the empty set, under the new actor.
    assertThat(fallback.heldFor(key(0))).isEqualTo(VersionSet.EMPTY);
    assertThat(blindWrite(key(0), "y").siblings()).singleElement()
        .satisfies(s -> assertThat(s.dot().actor()).isEqualTo(second));

    millis[0] += FallbackActor.IDLE_MILLIS + 1;
    blindWrite(key(0), "z");
    assertThat(fallback.current()).isNotIn(first, second, OWN);
  }
}
