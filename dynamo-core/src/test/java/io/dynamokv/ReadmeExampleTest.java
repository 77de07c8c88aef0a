package io.dynamokv;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.ring.Member;
import io.dynamokv.ring.PreferenceList;
import io.dynamokv.ring.Ring;
import io.dynamokv.ring.RingPlanner;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.storage.memory.MemoryStorageEngine;
import io.dynamokv.version.ActorId;
import io.dynamokv.version.VersionSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's embedding example, kept compiling and true. */
class ReadmeExampleTest {

  @Test
  void theReadmeExampleDoesWhatItSays() {
    long incarnation = 42;
    long now = 1_000;
    // --- as in README.md ---
    Ring ring = RingPlanner.withSpacing(3).initial(256, List.of(
        Member.of(NodeId.of("a")), Member.of(NodeId.of("b")), Member.of(NodeId.of("c")), Member.of(NodeId.of("d"))));
    byte[] key = "cart:alice".getBytes(UTF_8);
    PreferenceList replicas = ring.preferenceList(key, 3);          // 3 distinct nodes, then fallbacks

    StorageEngine engine = new MemoryStorageEngine();
    StorageKey where = StorageKey.of("carts", ring.keySpace(), key); // store, partition, segment, key
    ActorId me = ActorId.of(NodeId.of("a"), incarnation);

    // Two writers who read the same (empty) context both survive, as siblings:
    engine.update(where, v -> v.put(Context.EMPTY.versionVector(), me, "milk".getBytes(UTF_8), now)).join();
    VersionSet both = engine.update(where, v -> v.put(Context.EMPTY.versionVector(), me, "eggs".getBytes(UTF_8), now)).join();
    Context seen = Context.of(both.context());                       // what a read hands the client
    // Writing back with that context replaces exactly the two siblings it saw:
    engine.update(where, v -> v.put(seen.versionVector(), me, "eggs,milk".getBytes(UTF_8), now)).join();
    // --- end ---

    assertThat(replicas.primaries()).hasSize(3);
    assertThat(replicas.fallbacks()).hasSize(1);
    assertThat(both.values()).hasSize(2);
    VersionSet last = engine.get(where).orElseThrow();
    assertThat(last.values()).hasSize(1);
    assertThat(new String(last.values().get(0).value(), UTF_8)).isEqualTo("eggs,milk");
  }
}
