package io.dynamokv.examples.client;

import io.dynamokv.Codec;
import io.dynamokv.DynamoClient;
import io.dynamokv.Endpoint;
import io.dynamokv.GetResult;
import io.dynamokv.NodeId;
import io.dynamokv.Store;
import io.dynamokv.Stores;
import io.dynamokv.examples.Cart;
import io.dynamokv.examples.LocalCluster;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A service that holds no data: a {@link DynamoClient} of a cluster, running the same cart code
 * an embedded node would (it takes a {@link Stores}). With {@code --seeds host:port[,...]} (and
 * {@code --secret-file F}, the clients' secret, if the nodes have one) it uses that cluster; without, it starts
 * three nodes in this JVM first, to have one.
 *
 * <pre>
 * java -cp dynamo-examples/target/dynamo-node.jar io.dynamokv.examples.client.ClientExample
 * </pre>
 */
public final class ClientExample {

  private ClientExample() {}

  /** The application's code: the same for a node in the service and for a client of a cluster. */
  static Cart shop(Stores cluster, String user) {
    Store<Cart> carts = cluster.store("carts", Codec.json(Cart.class), Cart::union);
    carts.update(user, cart -> cart.orElse(Cart.EMPTY).add("milk"));
    GetResult<Cart> read = carts.get(user);
    carts.put(user, read.context(), read.value().orElseThrow().add("eggs"));
    return carts.get(user).value().orElseThrow();
  }

  /** Runs the example; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    String seeds = null;
    String secretFile = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seeds" -> seeds = args[i + 1];
        case "--secret-file" -> secretFile = args[i + 1];
        default -> throw new IllegalArgumentException("argument : " + args[i] + " (expected: --seeds or --secret-file)");
      }
    }
    if (seeds != null) {
      try (DynamoClient client = ClusterClients.connect(ClusterClients.parseSeeds(seeds),
          java.util.Optional.ofNullable(secretFile), Duration.ofSeconds(2), 1)) {
        System.out.println("alice's cart: " + shop(client, "alice").items());
      }
      return;
    }
    Path dir = Files.createTempDirectory("dynamo-client-example");
    try (LocalCluster cluster = new LocalCluster(dir, 3, Duration.ofSeconds(2))) {
      NodeId first = cluster.nodes().get(0);
      Endpoint seed = cluster.endpoint(first);
      // The client: seeds, and the clients' secret the nodes accept; it never listens.
      DynamoClient client = DynamoClient.newBuilder()
          .seed(seed)
          .transport(NettyTransport.create(NettyTransportConfig.newClientBuilder().clientSecret(cluster.clientSecret()).build()))
          .build();
      try (client) {
        client.start();
        System.out.println("through a client of the cluster: alice's cart " + shop(client, "alice").items());
        System.out.println("through a node of the cluster:   bob's cart   " + shop(cluster.node(first), "bob").items());
        System.out.println("client counters: " + client.metrics());
      }
    }
  }
}
