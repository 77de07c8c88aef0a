package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.spi.version.ActorId;
import io.dynamokv.spi.version.DecodeException;
import io.dynamokv.spi.version.VersionVector;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Defects reported from outside in issue #23, each tested on one node where its cause is: a
 * context that claims impossible counters (item 3), keys and store names that are not valid
 * Unicode (item 4), and the API's edges (item 9). Item 6, a peer never heard from, is in
 * {@code PhiAccrualDetectorTest}.
 */
class Issue23Test {

  private final OneNode one = OneNode.start();
  private final DynamoNode node = one.node();

  private Store<String> store() {
    return node.store("s", Codec.utf8());
  }

  @AfterEach
  void close() {
    one.close();
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + future.join());
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no result within 10 s", e);
    }
  }

  /** Item 3: a put with a context near Long.MAX_VALUE made every later write of the key fail. */
  @Test
  void aContextClaimingImpossibleCountersIsRefusedAndTheKeyStaysWritable() {
    Store<String> s = store();
    s.put("k", Context.EMPTY, "v1");
    ActorId self = NodeAccess.runtime(node).actor();
    VersionVector forged = VersionVector.of(Map.of(self, Long.MAX_VALUE - 1));
    VersionVector forgedOther = VersionVector.of(Map.of(ActorId.of(NodeId.of("x"), 7), Long.MAX_VALUE));
    assertThatThrownBy(() -> s.put("k", Context.of(forged), "evil")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("context counter of " + self + " : " + (Long.MAX_VALUE - 1));
    assertThatThrownBy(() -> s.delete("k", Context.fromBytes(Context.of(forgedOther).toBytes())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("context counter of x");

    assertThat(s.get("k").values()).containsExactly("v1");
    s.update("k", v -> v.orElseThrow() + "+");
    assertThat(s.get("k").values()).containsExactly("v1+");
    s.delete("k", s.get("k").context());
    assertThat(s.get("k").values()).isEmpty();
    s.put("k", s.get("k").context(), "v2");
    assertThat(s.get("k").values()).containsExactly("v2");
  }

  /** Item 4: "\uD800", "\uDFFF" and "?" became one key with three siblings, and one store. */
  @Test
  void keysAndStoreNamesThatAreNotValidUnicodeAreRefusedNotMerged() throws InterruptedException {
    Store<String> s = store();
    s.put("?", Context.EMPTY, "question mark");
    assertThatThrownBy(() -> s.put("\uD800", Context.EMPTY, "high")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key : not valid Unicode (an unpaired surrogate U+D800 at index 0)");
    assertThat(failureOf(s.putAsync("a\uDFFF", Context.EMPTY, "low"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key : not valid Unicode (an unpaired surrogate U+DFFF at index 1)");
    assertThatThrownBy(() -> s.get("\uDFFF\uD800")).isInstanceOf(IllegalArgumentException.class);
    // A character outside the Basic Multilingual Plane, as a proper pair, is a key of its own.
    s.put("\uD83D\uDE00", Context.EMPTY, "smile");
    assertThat(s.get("\uD83D\uDE00").values()).containsExactly("smile");
    assertThat(s.get("?").values()).containsExactly("question mark");

    assertThatThrownBy(() -> node.store("\uD800", Codec.utf8())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("store name : not valid Unicode (an unpaired surrogate U+D800 at index 0)");
    assertThat(node.store("?", Codec.utf8()).get("?").values()).isEmpty();
    assertThatThrownBy(() -> NodeId.of("n\uDC00")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("node id : not valid Unicode (an unpaired surrogate U+DC00 at index 1)");
  }

  /** Item 9: the asynchronous forms never throw; argument errors follow one rule; sync matches async. */
  @Test
  void theApiEdgesFollowTheirDocumentedRules() throws InterruptedException {
    Store<String> s = store();
    CompletableFuture<String> update = s.updateAsync("k", null);
    assertThat(failureOf(update)).isInstanceOf(NullPointerException.class).hasMessage("change");

    assertThatThrownBy(() -> Context.fromBytes(new byte[] {1, 5, 0})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("context bytes : not a context").hasCauseInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> Context.fromBytes(null)).isInstanceOf(NullPointerException.class).hasMessage("bytes");

    Context written = s.put("k", Context.EMPTY, "v");
    Context deleted = s.delete("k", written, WriteOptions.defaults().withW(1));
    assertThat(deleted).isNotEqualTo(written);
    assertThat(s.get("k").values()).isEmpty();
  }
}
