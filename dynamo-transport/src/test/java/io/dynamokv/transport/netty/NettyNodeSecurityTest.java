package io.dynamokv.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.NodeId;
import io.dynamokv.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue #24: a node on a transport that authenticates no peer refuses to start, unless its
 * builder says, by a setting named insecure, that the network is trusted.
 */
class NettyNodeSecurityTest {

  private static DynamoNodeBuilder node(NettyTransportConfig.Builder transport) {
    NettyTransport netty = NettyTransport.create(transport.ioThreads(1).build());
    return DynamoNode.newBuilder(NodeId.of("a")).storage(StorageEngine.inMemory()).transport(netty)
        .member(NodeId.of("a"), netty.localEndpoint()).replication(io.dynamokv.Replication.of(1, 1, 1));
  }

  private static NettyTransportConfig.Builder loopback() {
    return NettyTransportConfig.newBuilder(Endpoint.of("127.0.0.1", 0));
  }

  @Test
  void aNodeThatAuthenticatesNoPeerRefusesToStart() {
    try (DynamoNode plain = node(loopback()).build()) {
      assertThatThrownBy(plain::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("its transport authenticates no peer")
          .hasMessageContaining("insecureUnauthenticatedPeers(true)");
    }
  }

  @Test
  void theInsecureSettingOrASecretLetsItStart() {
    try (DynamoNode insecure = node(loopback()).insecureUnauthenticatedPeers(true).build()) {
      insecure.start();
      assertThat(insecure.status().members()).hasSize(1);
    }
    try (DynamoNode secret = node(loopback().clusterSecret("a secret of the cluster".getBytes(StandardCharsets.UTF_8)))
        .build()) {
      secret.start();
      assertThat(secret.status().members()).hasSize(1);
    }
  }
}
