package io.dynamokv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.DynamoClient;
import io.dynamokv.DynamoNode;
import io.dynamokv.DynamoNodeBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.GetResult;
import io.dynamokv.NodeId;
import io.dynamokv.Store;
import io.dynamokv.Stores;
import io.dynamokv.storage.rocksdb.RocksDbConfig;
import io.dynamokv.storage.rocksdb.RocksDbStorageEngine;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding and client examples, run on three loopback nodes so they stay true. */
class ReadmeExampleIT {

  @TempDir Path dir;

  private static final byte[] SECRET = "a secret for the README's cluster".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final byte[] CLIENTS_SECRET = "the README's clients' secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private static DynamoNode node(String name, Path dataDir, Map<String, Endpoint> cluster) {
    Endpoint me = cluster.get(name);
    byte[] secret = SECRET;
    byte[] clientsSecret = CLIENTS_SECRET;
    // --- as in README.md (with loopback addresses, a temporary directory and a secret in the test) ---
    DynamoNodeBuilder builder = DynamoNode.newBuilder(NodeId.of(name))
        .storage(RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dataDir).build()))
        .transport(NettyTransport.create(NettyTransportConfig.newBuilder(me)
            .clusterSecret(secret)                        // only nodes that hold it connect
            .clientSecret(clientsSecret).build()));       // and clients that hold this (below), as clients
    cluster.forEach((id, endpoint) -> builder.member(NodeId.of(id), endpoint));
    DynamoNode node = builder.build();
    node.start();
    return node;
  }

  @Test
  void theReadmeExampleWorks() throws Exception {
    Map<String, Endpoint> cluster = new TreeMap<>();
    for (String name : List.of("a", "b", "c")) {
      cluster.put(name, Endpoint.of("127.0.0.1", LocalCluster.freePort()));
    }
    List<DynamoNode> nodes = new ArrayList<>();
    try {
      for (String name : cluster.keySet()) {
        nodes.add(node(name, dir.resolve(name), cluster));
      }
      DynamoNode node = nodes.get(0);
      // --- as in README.md ---
      Store<Cart> carts = node.store("carts", Codec.json(Cart.class), Cart::union);
      carts.update("alice", cart -> cart.orElse(Cart.EMPTY).add("milk"));    // read, modify, write
      GetResult<Cart> read = carts.get("alice");                             // siblings merged by Cart::union
      carts.put("alice", read.context(), read.value().orElseThrow().add("eggs"));
      // --- end ---
      Optional<Cart> fromAnotherNode = nodes.get(2).store("carts", Codec.json(Cart.class), Cart::union)
          .get("alice").value();
      assertThat(fromAnotherNode.orElseThrow().items()).containsExactly("eggs", "milk");

      byte[] clientsSecret = CLIENTS_SECRET;
      Endpoint first = cluster.get("a");
      Endpoint second = cluster.get("b");
      // --- as in README.md (with loopback addresses) ---
      DynamoClient client = DynamoClient.newBuilder()
          .seed(first)
          .seed(second)                                    // any nodes; one answering is enough
          .transport(NettyTransport.create(NettyTransportConfig.newClientBuilder()
              .clientSecret(clientsSecret).build()))        // the clients' secret (or a TLS client certificate)
          .build();
      client.start();                                      // fails at once, naming the seeds, if none answers

      Stores stores = client;                              // or: node
      Store<Cart> viaClient = stores.store("carts", Codec.json(Cart.class), Cart::union);
      // --- end ---
      try (client) {
        GetResult<Cart> byClient = viaClient.get("alice");
        assertThat(byClient.value().orElseThrow().items()).containsExactly("eggs", "milk");
        carts.put("alice", byClient.context(), byClient.value().orElseThrow().add("tea")); // a client's context, via a node
        assertThat(viaClient.get("alice").values()).containsExactly(Cart.of("eggs", "milk", "tea"));
      }
    } finally {
      nodes.forEach(DynamoNode::close);
    }
  }
}
