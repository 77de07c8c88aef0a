package io.dynamokv.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.boundary.ApiBoundary;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API boundary of dynamo-storage: its public types name only its own and the core's exported types. */
class RocksDbApiBoundaryTest {

  @Test
  void exportedTypesNameOnlyExportedTypes() throws URISyntaxException {
    Path classes = Path.of(RocksDbStorageEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> exported = new HashSet<>(ApiBoundary.CORE_EXPORTS);
    exported.add("io.dynamokv.storage.rocksdb");
    // Export little: these are the only public types of the module.
    assertThat(ApiBoundary.exportedTypes(classes, Set.of("io.dynamokv.storage.rocksdb")))
        .containsExactlyInAnyOrder(RocksDbStorageEngine.class, RocksDbConfig.class, RocksDbConfig.Builder.class, Durability.class);
    assertThat(ApiBoundary.leaks(classes, exported)).isEmpty();
  }
}
