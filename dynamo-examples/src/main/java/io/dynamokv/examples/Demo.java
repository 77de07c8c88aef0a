package io.dynamokv.examples;

import io.dynamokv.Codec;
import io.dynamokv.ConflictResolver;
import io.dynamokv.GetResult;
import io.dynamokv.NodeId;
import io.dynamokv.ReadOptions;
import io.dynamokv.SetRead;
import io.dynamokv.SetStore;
import io.dynamokv.Store;
import io.dynamokv.internal.ring.PreferenceList;
import io.dynamokv.spi.Hint;
import io.dynamokv.spi.version.VersionSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The README's demo: five nodes in this JVM, each with its own RocksDB directory and real Netty
 * sockets on loopback, N=3 R=2 W=2, telling the shopping-cart story of the Dynamo paper.
 * Run with {@code mvn -B -q -DskipTests package exec:java -pl dynamo-examples -am}.
 */
public final class Demo {

  private static final String CART = "cart:alice";

  private final LocalCluster cluster;
  private final PreferenceList replicas;
  private final long started = System.nanoTime();

  private Demo(LocalCluster cluster) {
    this.cluster = cluster;
    this.replicas = cluster.preferenceList(CART);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("dynamo-demo");
    try (LocalCluster cluster = new LocalCluster(dir, 5, Duration.ofSeconds(1))) {
      new Demo(cluster).run();
    } finally {
      deleteRecursively(dir);
    }
  }

  private Store<Cart> carts(NodeId via) {
    ConflictResolver<Cart> union = Cart::union;
    return cluster.node(via).store("carts", Codec.json(Cart.class), union);
  }

  private Store<Cart> rawCarts(NodeId via) {
    return cluster.node(via).store("carts", Codec.json(Cart.class));
  }

  private void run() {
    NodeId p1 = replicas.primaries().get(0);
    NodeId p2 = replicas.primaries().get(1);
    NodeId p3 = replicas.primaries().get(2);
    NodeId f1 = replicas.fallbacks().get(0);
    NodeId f2 = replicas.fallbacks().get(1);
    step("Five nodes are up on loopback, each with its own RocksDB directory: %s.", cluster.nodes());
    say("'%s' is kept by %s, %s and %s (N=3); %s and %s stand in when one of them is down.", CART, p1, p2, p3, f1, f2);

    step("Alice adds milk and eggs to her cart (through %s).", p1);
    carts(p1).update(CART, c -> c.orElse(Cart.of()).add("milk"));
    carts(p1).update(CART, c -> c.orElse(Cart.of()).add("eggs"));
    show("cart", carts(f2).get(CART));

    step("%s, one of the cart's replicas, crashes.", p2);
    cluster.kill(p2);
    carts(p1).update(CART, c -> c.orElse(Cart.of()).add("bread"));
    say("Alice adds bread anyway: the write succeeded with W=2 (%s and %s).", p1, p3);
    waitFor(() -> hintsFor(p2) > 0, "a fallback to take the hinted copy");
    for (NodeId f : List.of(f1, f2)) {
      for (Hint h : cluster.storage(f).hints(p2, 10)) {
        say("%s holds a hint for %s: %s", f, h.target(), items(h.versions()));
      }
    }

    step("A network partition splits {%s, %s} from {%s, %s}.", p1, f1, p3, f2);
    cluster.partition(Set.of(p1, f1), Set.of(p3, f2));
    say("On one side Alice's phone adds apples (through %s); on the other her laptop adds coffee (through %s).", p1, p3);
    carts(p1).update(CART, c -> c.orElse(Cart.of()).add("apples"));
    carts(p3).update(CART, c -> c.orElse(Cart.of()).add("coffee"));
    say("Both writes were accepted: Dynamo stays writeable during a partition.");

    step("The partition heals.");
    cluster.heal();
    waitFor(() -> cluster.nodes().stream().filter(n -> !n.equals(p2))
        .allMatch(n -> cluster.node(n).peersBelievedDown().stream().allMatch(p2::equals)),
        "the nodes' failure detectors to see each other again");
    say("Each node's failure detector probed the others and sees them up again.");
    // R=3: wait for all three replicas (a fallback stands in for the crashed one), so the read
    // cannot complete on two replies that both hold only one side's version.
    ReadOptions all = ReadOptions.defaults().withR(3);
    GetResult<Cart> raw = rawCarts(p1).get(CART, all);
    say("A read of all three replicas without a merge callback sees %d sibling(s), the concurrent versions:",
        raw.values().size());
    raw.values().forEach(c -> say("  sibling: %s", c.items()));
    GetResult<Cart> merged = carts(p1).get(CART, all);
    say("The cart's merge callback (union) joins them: %s", merged.value().orElseThrow().items());
    carts(p1).put(CART, merged.context(), merged.value().orElseThrow());
    say("Written back with the read's context, the merged cart replaces both siblings.");

    step("%s comes back.", p2);
    cluster.restart(p2);
    waitFor(() -> hintsFor(p2) == 0, "the hints to reach " + p2);
    long delivered = Stream.of(f1, f2).mapToLong(f -> cluster.node(f).metrics().get("hints.delivered")).sum();
    say("The fallbacks delivered %d hint(s) to %s and deleted them once it acknowledged.", delivered, p2);
    carts(p3).get(CART, all); // a read of all three repairs any replica still behind
    waitFor(() -> held(p1).equals(held(p2)) && held(p2).equals(held(p3)), "the replicas to converge");
    for (NodeId p : List.of(p1, p2, p3)) {
      say("%s holds %s  %s", p, items(held(p)), held(p).context());
    }
    say("All three replicas hold the same version set.");

    builtInCart(p1, p3, f1, f2);

    step("Done in %.1f s: a crash, a partition and concurrent writes, and no item was lost.",
        (System.nanoTime() - started) / 1e9);
    say("Cleaning up the five nodes and their data directories.");
  }

  /**
   * The same story with a built-in set instead of a merge callback: adds and removes are
   * operations, a concurrent add wins over a remove that did not see it, and no sibling shows.
   */
  private void builtInCart(NodeId p1, NodeId p3, NodeId f1, NodeId f2) {
    step("The cart again, as a built-in set: no merge callback to write.");
    SetStore<String> carts = cluster.node(p1).sets("carts", Codec.utf8());
    carts.add("alice", "milk");
    carts.add("alice", "eggs");
    SetRead<String> seen = carts.get("alice");
    say("Alice's cart: %s (each add one operation, no context to carry).", seen.elements());
    cluster.partition(Set.of(p1, f1), Set.of(p3, f2));
    say("Partitioned again: her phone removes the milk it saw (through %s); her laptop adds milk back and tea"
        + " (through %s).", p1, p3);
    carts.remove("alice", seen, "milk");
    SetStore<String> other = cluster.node(p3).sets("carts", Codec.utf8());
    other.add("alice", "milk");
    other.add("alice", "tea");
    cluster.heal();
    waitFor(() -> other.get("alice").elements().equals(carts.get("alice").elements())
        && carts.get("alice").contains("tea"), "both sides to read the same set");
    say("After the heal both sides read %s: the add the remove had not seen wins, and no sibling shows.",
        carts.get("alice").elements());
  }

  private long hintsFor(NodeId owner) {
    long n = 0;
    for (NodeId f : cluster.nodes()) {
      if (!f.equals(owner)) {
        try {
          n += cluster.storage(f).hints(owner, 100).size();
        } catch (IllegalStateException notRunning) {
          // a node that is down holds nothing we can see
        }
      }
    }
    return n;
  }

  private VersionSet held(NodeId node) {
    return cluster.storage(node).get(cluster.keySpace().storageKey("carts", CART.getBytes(StandardCharsets.UTF_8)))
        .orElse(VersionSet.EMPTY);
  }

  private static String items(VersionSet versions) {
    List<String> out = new ArrayList<>();
    versions.values().forEach(s -> out.add(new String(s.value(), StandardCharsets.UTF_8)));
    return out.toString();
  }

  private static void show(String what, GetResult<Cart> read) {
    say("%s = %s", what, read.value().map(Cart::items).orElse(new TreeSet<>()));
  }

  private static void waitFor(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gave up waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  private static int steps;

  private static void step(String format, Object... args) {
    System.out.println();
    System.out.println(++steps + ". " + String.format(format, args));
  }

  private static void say(String format, Object... args) {
    System.out.println("   " + String.format(format, args));
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
