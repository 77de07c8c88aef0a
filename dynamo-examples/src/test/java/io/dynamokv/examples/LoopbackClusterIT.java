package io.dynamokv.examples;

import io.dynamokv.scenario.ClusterHarness;
import io.dynamokv.scenario.ClusterScenarios;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The data path's scenarios over Netty on loopback sockets, with RocksDB (SYNC) on disk. */
class LoopbackClusterIT extends ClusterScenarios {

  @TempDir Path dir;

  @Override
  protected ClusterHarness newCluster() {
    return new LoopbackCluster(dir, 5, Duration.ofSeconds(2));
  }
}
