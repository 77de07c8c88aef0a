package io.dynamokv.examples.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's configuration file: defaults, thread settings, and errors that name the field. */
class NodeConfigTest {

  @TempDir Path dir;

  private NodeConfig read(String extra) throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, "{\"id\": \"a\", \"listen\": \"127.0.0.1:7401\", \"admin\": \"127.0.0.1:7501\","
        + " \"dataDir\": \"/tmp/a\", \"founders\": {\"a\": \"127.0.0.1:7401\"}" + extra + "}");
    return NodeConfig.read(file);
  }

  @Test
  void threadsDefaultToTheTransportsAndAreCheckedWhenGiven() throws Exception {
    NodeConfig defaults = read("");
    assertThat(defaults.ioThreads()).isNull();
    assertThat(defaults.handlerThreads()).isNull();
    assertThat(defaults.durability()).isEqualTo("sync");
    NodeConfig one = read(", \"ioThreads\": 1, \"handlerThreads\": 2");
    assertThat(one.ioThreads()).isEqualTo(1);
    assertThat(one.handlerThreads()).isEqualTo(2);
    assertThatThrownBy(() -> read(", \"ioThreads\": 0")).hasMessageContaining("ioThreads : 0 (expected: 1..256)");
    assertThatThrownBy(() -> read(", \"handlerThreads\": 300"))
        .hasMessageContaining("handlerThreads : 300 (expected: 1..256)");
    assertThatThrownBy(() -> read(", \"ioThread\": 1")).hasMessageContaining("ioThread");
  }
}
