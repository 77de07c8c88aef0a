package io.dynamokv.examples.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.DynamoClient;
import io.dynamokv.DynamoException;
import io.dynamokv.GetResult;
import io.dynamokv.Store;
import io.dynamokv.examples.client.ClusterClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's {@code get}, {@code put} and {@code delete}: a {@link DynamoClient} of the cluster
 * sends each to a replica of the key over the node protocol, and the result is printed as JSON
 * (values as UTF-8, the context in base64). A put or delete replaces what a read returns first.
 */
final class KeyCommands {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private KeyCommands() {}

  private static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(f -> !f.isBlank());
  }

  /** Runs {@code command} with {@code args} ({@code --seeds S STORE KEY [VALUE]}); returns the exit status. */
  static int run(String command, List<String> args) throws Exception {
    int values = command.equals("put") ? 1 : 0;
    if (args.size() != 4 + values || !args.get(0).equals("--seeds")) {
      DynamoCli.usage(command + " takes --seeds HOST:PORT[,...] STORE KEY" + (values == 1 ? " VALUE" : ""));
    }
    // The client's own log lines are noise on a command line; warnings still show.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    String storeName = args.get(2);
    String key = args.get(3);
    // The clients' secret if given (all these commands need), else the cluster's.
    Optional<String> clientsSecret = env("DYNAMO_CLIENT_SECRET_FILE");
    ClusterClients.SecretKind kind = clientsSecret.isPresent() ? ClusterClients.SecretKind.CLIENTS
        : ClusterClients.SecretKind.CLUSTER;
    Optional<String> secretFile = clientsSecret.or(() -> env("DYNAMO_CLUSTER_SECRET_FILE"));
    try (DynamoClient client = ClusterClients.connect(ClusterClients.parseSeeds(args.get(1)), secretFile, kind, TIMEOUT,
        1)) {
      Store<byte[]> store = client.store(storeName, Codec.bytes());
      GetResult<byte[]> read = store.get(key);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("key", key);
      Context context = switch (command) {
        case "put" -> store.put(key, read.context(), args.get(4).getBytes(StandardCharsets.UTF_8));
        case "delete" -> store.delete(key, read.context());
        default -> {
          List<String> found = new ArrayList<>();
          read.values().forEach(v -> found.add(new String(v, StandardCharsets.UTF_8)));
          out.put("values", found);
          yield read.context();
        }
      };
      out.put("context", Base64.getEncoder().encodeToString(context.toBytes()));
      System.out.println(new ObjectMapper().writeValueAsString(out));
      return 0;
    } catch (DynamoException | IllegalArgumentException e) {
      System.err.println("dynamo-kv: " + command + " failed: " + e.getMessage());
      return 1;
    }
  }
}
