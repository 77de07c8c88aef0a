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

  private static final String BARE = "{\"id\": \"a\", \"listen\": \"127.0.0.1:7401\", \"admin\": \"127.0.0.1:7501\","
      + " \"dataDir\": \"/tmp/a\", \"founders\": {\"a\": \"127.0.0.1:7401\"}";

  /** A configuration with a cluster secret, and {@code extra} fields. */
  private NodeConfig read(String extra) throws Exception {
    return parse(BARE + ", \"clusterSecretFile\": \"/etc/dynamo/cluster.secret\"" + extra + "}");
  }

  private NodeConfig parse(String json) throws Exception {
    Path file = dir.resolve("node.json");
    Files.writeString(file, json);
    return NodeConfig.read(file);
  }

  /** Issue #24: a node authenticates its peers, unless its configuration says by name that it is insecure. */
  @Test
  void aNodeWithoutSecretOrTlsNeedsTheInsecureSettingByName() throws Exception {
    assertThatThrownBy(() -> parse(BARE + "}")).hasMessageContaining("clusterSecretFile and tls are both unset");
    assertThat(parse(BARE + ", \"insecureUnauthenticatedPeers\": true}").insecureUnauthenticatedPeers()).isTrue();
    assertThat(read("").insecureUnauthenticatedPeers()).isFalse();
    assertThatThrownBy(() -> parse(BARE + ", \"insecureUnauthenticatedPeers\": true, \"clientSecretFile\": \"/c\"}"))
        .hasMessageContaining("clientSecretFile is set and clusterSecretFile is not");
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

  @Test
  void theBlockCacheDefaultsToAQuarterOfTheMemoryOutsideTheHeapAndIsCheckedWhenGiven() throws Exception {
    assertThat(read("").blockCacheMegabytes()).isEqualTo(NodeConfig.defaultBlockCacheMegabytes())
        .isGreaterThanOrEqualTo(64);
    assertThat(read(", \"blockCacheMegabytes\": 512").blockCacheMegabytes()).isEqualTo(512);
    assertThat(read("").compression()).isTrue();
    assertThat(read(", \"compression\": false").compression()).isFalse();
    assertThatThrownBy(() -> read(", \"blockCacheMegabytes\": 4"))
        .hasMessageContaining("blockCacheMegabytes : 4 (expected: 8..1048576)");
  }

  @Test
  void theDefaultBlockCacheIsAQuarterOfWhatTheHeapLeavesAndNeverBelowTheEnginesDefault() {
    long gib = 1L << 30;
    assertThat(NodeConfig.defaultBlockCacheMegabytes(24 * gib, gib)).isEqualTo(23 * 256);
    assertThat(NodeConfig.defaultBlockCacheMegabytes(2 * gib, gib)).isEqualTo(256);
    assertThat(NodeConfig.defaultBlockCacheMegabytes(gib, gib)).isEqualTo(64);
    assertThat(NodeConfig.defaultBlockCacheMegabytes(gib / 2, gib)).isEqualTo(64);
    assertThat(NodeConfig.defaultBlockCacheMegabytes(Long.MAX_VALUE, gib)).isEqualTo(1 << 20);
  }

  @Test
  void theUpdateCacheDefaultsToAnEighthOfTheHeapAndIsCheckedWhenGiven() throws Exception {
    assertThat(read("").updateCacheMegabytes())
        .isEqualTo(NodeConfig.defaultUpdateCacheMegabytes(Runtime.getRuntime().maxMemory()));
    assertThat(NodeConfig.defaultUpdateCacheMegabytes(1L << 30)).isEqualTo(128);
    assertThat(NodeConfig.defaultUpdateCacheMegabytes(64L << 20)).as("never below the engine's").isEqualTo(32);
    assertThat(NodeConfig.defaultUpdateCacheMegabytes(64L << 30)).as("at most the engine's largest").isEqualTo(1024);
    assertThat(read(", \"updateCacheMegabytes\": 0").updateCacheMegabytes()).isZero();
    assertThatThrownBy(() -> read(", \"updateCacheMegabytes\": 2048"))
        .hasMessageContaining("updateCacheMegabytes : 2048 (expected: 0..1024)");
  }

  /** Issue #24: an admin interface other machines can reach needs a token; on loopback it may go without. */
  @Test
  void anAdminAddressOffLoopbackNeedsATokenFile() throws Exception {
    assertThatThrownBy(() -> read(", \"admin\": \"0.0.0.0:7501\""))
        .hasMessageContaining("admin : 0.0.0.0:7501 can be reached from other machines");
    Path token = dir.resolve("admin.token");
    Files.writeString(token, "a-token-of-enough-length\n");
    NodeConfig guarded = read(", \"admin\": \"0.0.0.0:7501\", \"adminTokenFile\": \"" + token + "\"");
    assertThat(guarded.adminToken()).contains("a-token-of-enough-length");
    assertThat(read("").adminToken()).isEmpty();
    Files.writeString(token, "short");
    assertThatThrownBy(guarded::adminToken).hasMessageContaining("(expected: at least 16)");
  }
}
