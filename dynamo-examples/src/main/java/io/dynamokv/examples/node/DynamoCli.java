package io.dynamokv.examples.node;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: runs a node, reads and writes keys as a client of the cluster (over the node
 * protocol, to a replica of the key), or talks to a running node through its admin interface.
 *
 * <pre>
 * node   --config node.json                    run a node until SIGTERM
 * get    --seeds host:port[,...] STORE KEY       the key's values (siblings) and context
 * put    --seeds host:port[,...] STORE KEY VALUE replace the key's values with VALUE
 * delete --seeds host:port[,...] STORE KEY       delete the key
 * status --node host:port                      members, ring ownership, hints, pending work, counters
 * leave  --node host:port                      decommission that node
 * remove --node host:port ID              declare node ID gone for good
 * drop-store --node host:port STORE       drop a store on every node (data, hints, name)
 * block  --node host:port PEER[,PEER]     make that node drop requests to peers (fault tests)
 * heal   --node host:port                 undo block
 * </pre>
 *
 * {@code --seeds} are nodes' listen addresses; {@code --node} is a node's admin address. With
 * {@code DYNAMO_CLIENT_SECRET_FILE} set, the key commands prove they hold the clients' secret in
 * that file; with {@code DYNAMO_CLUSTER_SECRET_FILE} instead, the cluster's (nodes with a secret
 * require one of them). With {@code DYNAMO_ADMIN_TOKEN_FILE} set, each admin
 * request carries the token in that file (a node whose admin interface is not on loopback
 * requires one).
 *
 * <p>Exit status: 0 on success, 1 when the node answered with an error, 2 for a usage error.
 */
public final class DynamoCli {

  private DynamoCli() {}

  /** Runs one command. */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage("no command");
    }
    String command = args[0];
    if (command.equals("node")) {
      if (args.length != 3 || !args[1].equals("--config")) {
        usage("node takes --config FILE");
      }
      // A node's log is its operators' view: info level with timestamps, unless set otherwise
      // (-Dorg.slf4j.simpleLogger.log.io.dynamokv=debug). Set before any logger exists.
      setDefault("org.slf4j.simpleLogger.log.io.dynamokv", "info");
      setDefault("org.slf4j.simpleLogger.showDateTime", "true");
      setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
      StandaloneNode.run(Path.of(args[2]));
      return;
    }
    if (List.of("get", "put", "delete").contains(command)) {
      System.exit(KeyCommands.run(command, Arrays.asList(args).subList(1, args.length)));
      return;
    }
    if (args.length < 3 || !args[1].equals("--node")) {
      usage(command + " takes --node HOST:PORT (the node's admin address)");
    }
    String base = "http://" + args[2];
    List<String> rest = Arrays.asList(args).subList(3, args.length);
    HttpRequest request = switch (command) {
      case "status" -> get(base + "/status", rest, 0);
      case "leave" -> send("POST", base + "/leave", "", rest, 0);
      case "remove" -> send("POST", base + "/remove/" + enc(arg(rest, 0)), "", rest, 1);
      case "drop-store" -> send("DELETE", base + "/stores/" + enc(arg(rest, 0)), "", rest, 1);
      case "block" -> send("POST", base + "/faults/block", arg(rest, 0), rest, 1);
      case "heal" -> send("POST", base + "/faults/heal", "", rest, 0);
      default -> {
        usage("unknown command " + command);
        yield null;
      }
    };
    HttpResponse<String> response;
    try {
      response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      System.err.println("cannot reach the node at " + args[2] + ": " + e);
      System.exit(1);
      return;
    }
    System.out.println(response.body());
    if (response.statusCode() != 200) {
      System.exit(1);
    }
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }

  private static String arg(List<String> rest, int i) {
    if (i >= rest.size()) {
      usage("missing argument " + (i + 1));
    }
    return rest.get(i);
  }

  private static HttpRequest get(String uri, List<String> rest, int expected) {
    checkCount(rest, expected);
    return authorized(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET()).build();
  }

  private static HttpRequest send(String method, String uri, String body, List<String> rest, int expected) {
    checkCount(rest, expected);
    return authorized(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))).build();
  }

  /** Adds the node's admin token, read from the file {@code DYNAMO_ADMIN_TOKEN_FILE} names, if set. */
  private static HttpRequest.Builder authorized(HttpRequest.Builder request) {
    String file = System.getenv("DYNAMO_ADMIN_TOKEN_FILE");
    if (file == null || file.isBlank()) {
      return request;
    }
    try {
      return request.header("Authorization", "Bearer " + java.nio.file.Files.readString(Path.of(file)).trim());
    } catch (java.io.IOException e) {
      usage("DYNAMO_ADMIN_TOKEN_FILE " + file + " cannot be read: " + e.getMessage());
      return request;
    }
  }

  private static void checkCount(List<String> rest, int expected) {
    if (rest.size() != expected) {
      usage("expected " + expected + " arguments after --node, got " + rest.size() + ": " + rest);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static void usage(String problem) {
    System.err.println("dynamo-kv: " + problem + "\n"
        + "usage: node   --config node.json\n"
        + "       get    --seeds HOST:PORT[,...] STORE KEY\n"
        + "       put    --seeds HOST:PORT[,...] STORE KEY VALUE\n"
        + "       delete --seeds HOST:PORT[,...] STORE KEY\n"
        + "       status --node HOST:PORT\n"
        + "       leave  --node HOST:PORT\n"
        + "       remove --node HOST:PORT NODE_ID\n"
        + "       drop-store --node HOST:PORT STORE\n"
        + "       block  --node HOST:PORT PEER[,PEER...]\n"
        + "       heal   --node HOST:PORT");
    System.exit(2);
  }
}
