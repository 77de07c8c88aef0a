package io.dynamokv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.spi.StorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #30, item 6: every new store name became persistent state on every replica, without
 * bound: anyone who could write could exhaust it. A node holds at most maxStores stores.
 */
class StoreLimitTest {

  private final StorageEngine storage = StorageEngine.inMemory();
  private final OneNode one;
  private final DynamoNode node;

  StoreLimitTest() {
    OneNode.Builder b = OneNode.newBuilder(storage);
    b.node().maxStores(3);
    one = b.start();
    node = one.node();
  }

  @AfterEach
  void close() {
    one.close();
  }

  @Test
  void aWriteToANewStoreBeyondTheLimitIsRefusedAndTheOthersGoOn() {
    for (String name : new String[] {"s1", "s2", "s3"}) {
      node.store(name, Codec.utf8()).put("k", Context.EMPTY, "v");
    }
    Store<String> fourth = node.store("s4", Codec.utf8());
    assertThat(fourth.get("k").values()).as("reading a store creates nothing").isEmpty();
    assertThatThrownBy(() -> fourth.put("k", Context.EMPTY, "v")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("store s4 : a new store, and this node holds 3 (expected: at most maxStores = 3)");
    assertThat(storage.stores()).containsExactlyInAnyOrder("s1", "s2", "s3");
    node.store("s1", Codec.utf8()).update("k", v -> v.orElseThrow() + "+");
    assertThat(node.store("s1", Codec.utf8()).get("k").values()).containsExactly("v+");
  }
}
