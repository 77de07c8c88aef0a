package io.dynamokv.testkit;

import io.dynamokv.DynamoNode;
import io.dynamokv.NodeId;
import io.dynamokv.internal.node.NodeAccess;
import io.dynamokv.internal.ring.Ring;
import io.dynamokv.spi.StorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a run's {@link History} and final state against the promises the library makes. Each
 * check returns what it found wrong (empty when all is well), so a test can print it with the
 * seed. Stateless.
 */
public final class Checkers {

  private Checkers() {}

  /** What the set checker found. */
  public record SetResult(Set<String> lost, Set<String> unexpected, int acknowledged, int indeterminate) {
    /** Returns whether nothing acknowledged was lost and nothing unwritten appeared. */
    public boolean valid() {
      return lost.isEmpty() && unexpected.isEmpty();
    }
  }

  /**
   * The set checker: clients added unique elements to the set at {@code key} by read-merge-write;
   * {@code finalElements} is what a read after healing found. Lost: acknowledged adds that are
   * missing. Unexpected: elements nobody tried to add. Failed or timed-out adds may go either way.
   */
  public static SetResult checkSet(History history, String key, Collection<String> finalElements) {
    Set<String> acknowledged = new TreeSet<>();
    Set<String> attempted = new TreeSet<>();
    int indeterminate = 0;
    for (History.Op op : history.ops()) {
      if (!op.kind().equals("add") || !op.key().equals(key)) {
        continue;
      }
      attempted.add(op.value());
      if (op.outcome() == History.Outcome.OK) {
        acknowledged.add(op.value());
      } else {
        indeterminate++;
      }
    }
    Set<String> found = new TreeSet<>(finalElements);
    Set<String> lost = new TreeSet<>(acknowledged);
    lost.removeAll(found);
    Set<String> unexpected = new TreeSet<>(found);
    unexpected.removeAll(attempted);
    return new SetResult(lost, unexpected, acknowledged.size(), indeterminate);
  }

  /**
   * The unique-key checker: every acknowledged "write" of its own key must be readable with its
   * value afterwards. {@code finalValues} maps each key to the values a final read found.
   */
  public static List<String> checkUniqueKeys(History history, Map<String, ? extends Collection<String>> finalValues) {
    List<String> missing = new ArrayList<>();
    for (History.Op op : history.ops()) {
      if (op.kind().equals("write") && op.outcome() == History.Outcome.OK) {
        Collection<String> found = finalValues.get(op.key());
        if (found == null || !found.contains(op.value())) {
          missing.add(op.key() + "=" + op.value() + " (found " + found + ")");
        }
      }
    }
    return missing;
  }

  /**
   * The convergence checker: every partition of every store has equal Merkle leaves on all of
   * its N replicas (equal leaves mean equal version sets, up to 64-bit hash collisions), as the
   * committed ring of {@code node} places them. Returns the partitions that differ.
   *
   * @param node a running node of the cluster, whose ring says which nodes replicate what
   * @param replicas the storage of each node of the ring
   */
  public static List<String> checkConverged(DynamoNode node, int n, Collection<String> stores,
      Map<NodeId, StorageEngine> replicas) {
    Ring ring = NodeAccess.runtime(node).ring();
    List<String> differing = new ArrayList<>();
    for (String store : stores) {
      for (int p = 0; p < ring.partitionCount(); p++) {
        long[] first = null;
        NodeId firstNode = null;
        for (NodeId replica : ring.preferenceList(p, n).primaries()) {
          long[] leaves = replicas.get(replica).merkleLeaves(store, p);
          if (first == null) {
            first = leaves;
            firstNode = replica;
          } else if (!Arrays.equals(first, leaves)) {
            differing.add(store + "/p" + p + ": " + firstNode + " and " + replica + " differ");
          }
        }
      }
    }
    return differing;
  }

  /**
   * The causality checker's single-writer rule: a key that only one client wrote, by sequential
   * read-modify-write, must end with at most one sibling. {@code finalSiblings} maps keys to how
   * many siblings a final read found.
   */
  public static List<String> checkSingleWriterHasNoSiblings(History history, Map<String, Integer> finalSiblings) {
    Map<String, Set<Integer>> writers = new java.util.HashMap<>();
    for (History.Op op : history.ops()) {
      if (!op.kind().equals("read")) {
        writers.computeIfAbsent(op.key(), k -> new TreeSet<>()).add(op.client());
      }
    }
    List<String> wrong = new ArrayList<>();
    writers.forEach((key, clients) -> {
      int siblings = finalSiblings.getOrDefault(key, 0);
      if (clients.size() == 1 && siblings > 1) {
        wrong.add(key + " written only by client " + clients + " has " + siblings + " siblings");
      }
    });
    return wrong;
  }
}
