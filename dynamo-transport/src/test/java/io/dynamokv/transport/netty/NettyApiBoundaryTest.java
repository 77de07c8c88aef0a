package io.dynamokv.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.boundary.ApiBoundary;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API boundary of dynamo-transport: its public types name only its own and the core's exported types. */
class NettyApiBoundaryTest {

  @Test
  void exportedTypesNameOnlyExportedTypes() throws URISyntaxException {
    Path classes = Path.of(NettyTransport.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Set<String> exported = new HashSet<>(ApiBoundary.CORE_EXPORTS);
    exported.add("io.dynamokv.transport.netty");
    // Export little: these are the only public types of the module.
    assertThat(ApiBoundary.exportedTypes(classes, Set.of("io.dynamokv.transport.netty")))
        .containsExactlyInAnyOrder(NettyTransport.class, NettyTransportConfig.class, NettyTransportConfig.Builder.class, TlsConfig.class);
    assertThat(ApiBoundary.leaks(classes, exported)).isEmpty();
  }
}
