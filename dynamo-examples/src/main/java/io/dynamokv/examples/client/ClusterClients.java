package io.dynamokv.examples.client;

import io.dynamokv.DynamoClient;
import io.dynamokv.DynamoClientBuilder;
import io.dynamokv.Endpoint;
import io.dynamokv.examples.node.NodeConfig;
import io.dynamokv.transport.netty.NettyTransport;
import io.dynamokv.transport.netty.NettyTransportConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link DynamoClient} on Netty from the settings a command line or a benchmark has: the
 * seeds as {@code host:port,host:port} and the file of the cluster's secret.
 */
public final class ClusterClients {

  private ClusterClients() {}

  /** Parses {@code host:port[,host:port...]}. */
  public static List<Endpoint> parseSeeds(String seeds) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String s : seeds.split(",")) {
      if (!s.isBlank()) {
        endpoints.add(NodeConfig.parseEndpoint(s.trim()));
      }
    }
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("seeds : \"" + seeds + "\" (expected: host:port[,host:port...])");
    }
    return endpoints;
  }

  /** Which secret a client proves: the clients' (it may then only use stores) or the cluster's (a node's). */
  public enum SecretKind { CLIENTS, CLUSTER }

  /**
   * Returns a started client of the cluster at {@code seeds}, authenticated with the clients'
   * secret in {@code secretFile} if given.
   *
   * @param ioThreads the transport's I/O threads
   */
  public static DynamoClient connect(List<Endpoint> seeds, Optional<String> secretFile, Duration timeout,
      int ioThreads) {
    return connect(seeds, secretFile, SecretKind.CLIENTS, timeout, ioThreads);
  }

  /** As {@link #connect(List, Optional, Duration, int)}, proving the secret of {@code kind}. */
  public static DynamoClient connect(List<Endpoint> seeds, Optional<String> secretFile, SecretKind kind,
      Duration timeout, int ioThreads) {
    NettyTransportConfig.Builder transport = NettyTransportConfig.newClientBuilder().ioThreads(ioThreads);
    secretFile.ifPresent(f -> {
      if (kind == SecretKind.CLIENTS) {
        transport.clientSecret(NodeConfig.readSecret("clients' secret file", f));
      } else {
        transport.clusterSecret(NodeConfig.readSecret("cluster secret file", f));
      }
    });
    DynamoClientBuilder b = DynamoClient.newBuilder().transport(NettyTransport.create(transport.build()))
        .requestTimeout(timeout);
    seeds.forEach(b::seed);
    DynamoClient client = b.build();
    try {
      client.start();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
    return client;
  }
}
