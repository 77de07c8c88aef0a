package io.dynamokv.examples;

import io.dynamokv.Context;
import io.dynamokv.NodeId;
import io.dynamokv.ring.Member;
import io.dynamokv.ring.PreferenceList;
import io.dynamokv.ring.Ring;
import io.dynamokv.ring.RingPlanner;
import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.storage.memory.MemoryStorageEngine;
import io.dynamokv.version.ActorId;
import io.dynamokv.version.Sibling;
import io.dynamokv.version.VersionSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The README's demo, for now a tour of the pieces that exist: a ring of five nodes places a
 * shopping cart on three replicas, two clients add items concurrently, the replicas keep both
 * versions as siblings, the cart's merge (a union) joins them, and a replica that missed
 * everything catches up and ends with the same Merkle leaves as the others.
 *
 * <p>The replicas here are in-memory engines driven by hand; the networked node with its
 * coordinator replaces this tour when it lands.
 */
public final class Demo {

  private static final String STORE = "carts";
  private static final byte[] KEY = "cart:alice".getBytes(StandardCharsets.UTF_8);

  private final Ring ring;
  private final Map<NodeId, StorageEngine> engines = new LinkedHashMap<>();
  private final StorageKey key;
  private long clock = 1_000;

  private Demo() {
    List<Member> members = new ArrayList<>();
    for (String name : List.of("ant", "bee", "cat", "dog", "eel")) {
      members.add(Member.of(NodeId.of(name)));
      engines.put(NodeId.of(name), new MemoryStorageEngine());
    }
    ring = RingPlanner.withSpacing(3).initial(64, members);
    key = StorageKey.of(STORE, ring.keySpace(), KEY);
  }

  public static void main(String[] args) {
    new Demo().run();
  }

  private void run() {
    say("A ring of 5 nodes with Q=%d partitions: %s", ring.partitionCount(), ring.ownershipCounts());
    PreferenceList prefs = ring.preferenceList(key.partition(), 3);
    NodeId a = prefs.primaries().get(0);
    NodeId b = prefs.primaries().get(1);
    NodeId c = prefs.primaries().get(2);
    say("'cart:alice' falls in partition %d; N=3 replicas %s, fallbacks %s", key.partition(),
        prefs.primaries(), prefs.fallbacks());

    say("%n1. Alice adds milk, coordinated by %s and written to %s and %s (W=2); %s is down.", a, a, b, c);
    VersionSet first = coordinate(a, Context.EMPTY, "milk");
    replicate(first, b);
    show(a, b, c);

    say("%n2. Two clients read the cart (context %s) and each adds an item: one through %s, one through %s.",
        read(a, b).context(), a, b);
    Context seen = Context.of(read(a, b).context());
    VersionSet viaA = coordinate(a, seen, "milk,eggs");
    VersionSet viaB = coordinate(b, seen, "milk,bread");
    replicate(viaA, b);
    replicate(viaB, a);
    show(a, b, c);

    VersionSet both = read(a, b);
    say("%n3. A read now finds %d siblings; neither write was lost. The cart's merge joins them by union:",
        both.values().size());
    TreeSet<String> union = new TreeSet<>();
    for (Sibling s : both.values()) {
      union.addAll(Arrays.asList(new String(s.value(), StandardCharsets.UTF_8).split(",")));
    }
    String merged = String.join(",", union);
    say("   merged cart = %s, written back with the read's context, which covers both siblings.", merged);
    replicate(coordinate(a, Context.of(both.context()), merged), b);
    show(a, b, c);

    say("%n4. %s comes back and catches up from %s (what hinted handoff and anti-entropy will do).", c, a);
    replicate(engines.get(a).get(key).orElseThrow(), c);
    show(a, b, c);
    boolean same = Arrays.equals(leaves(a), leaves(b)) && Arrays.equals(leaves(a), leaves(c));
    say("   Merkle leaves of partition %d equal on all three replicas: %s", key.partition(), same);
    if (!same || read(a, c).values().size() != 1) {
      throw new IllegalStateException("the replicas did not converge");
    }
    say("%nDone: concurrent writes became siblings, the merge callback joined them, and the replicas converged.");
    engines.values().forEach(StorageEngine::close);
  }

  /** What a coordinator does with a client's write: a new version under its own actor id. */
  private VersionSet coordinate(NodeId node, Context context, String items) {
    ActorId actor = ActorId.of(node, 1);
    byte[] value = items.getBytes(StandardCharsets.UTF_8);
    long now = clock++;
    return engines.get(node).update(key, v -> v.put(context.versionVector(), actor, value, now)).join();
  }

  /** What a replica does with a version set it is sent: merge it with what it has. */
  private void replicate(VersionSet versions, NodeId to) {
    engines.get(to).update(key, v -> v.merge(versions)).join();
  }

  private VersionSet read(NodeId... replicas) {
    VersionSet merged = VersionSet.EMPTY;
    for (NodeId n : replicas) {
      merged = merged.merge(engines.get(n).get(key).orElse(VersionSet.EMPTY));
    }
    return merged;
  }

  private long[] leaves(NodeId node) {
    return engines.get(node).merkleLeaves(STORE, key.partition());
  }

  private void show(NodeId... replicas) {
    for (NodeId n : replicas) {
      VersionSet v = engines.get(n).get(key).orElse(VersionSet.EMPTY);
      List<String> values = new ArrayList<>();
      for (Sibling s : v.values()) {
        values.add(s.dot() + " " + new String(s.value(), StandardCharsets.UTF_8));
      }
      say("   %-4s holds %s", n, values.isEmpty() ? "nothing" : values);
    }
  }

  private static void say(String format, Object... args) {
    System.out.println(String.format(format, args));
  }
}
