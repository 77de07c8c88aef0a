package io.dynamokv.spi.version;

import io.dynamokv.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A few replicas of one key, driven by random steps, with the ground truth kept beside them:
 * every write ever made, and the context its client had seen. The truth says which writes must
 * survive (those no later write saw), so tests can check the version sets against it.
 */
final class ReplicaModel {

  /** One step: a write or delete coordinated by a replica, or a one-way sync between two. */
  record Step(Kind kind, int coordinator, int readFrom, int alsoTo) {}

  enum Kind { WRITE, DELETE, SYNC, BLIND_WRITE }

  record Write(Dot dot, VersionVector seen) {}

  final List<VersionSet> replicas = new ArrayList<>();
  final List<ActorId> actors = new ArrayList<>();
  final List<Write> writes = new ArrayList<>();
  private long clock;

  ReplicaModel(int replicaCount) {
    for (int i = 0; i < replicaCount; i++) {
      replicas.add(VersionSet.EMPTY);
      actors.add(ActorId.of(NodeId.of("n" + i), 7 + i));
    }
  }

  int size() {
    return replicas.size();
  }

  void apply(Step step) {
    int c = Math.floorMod(step.coordinator(), size());
    int r = Math.floorMod(step.readFrom(), size());
    int also = Math.floorMod(step.alsoTo(), size());
    switch (step.kind()) {
      case SYNC -> replicas.set(c, replicas.get(c).merge(replicas.get(r)));
      case WRITE, DELETE, BLIND_WRITE -> {
        VersionVector seen = step.kind() == Kind.BLIND_WRITE ? VersionVector.EMPTY : replicas.get(r).context();
        write(c, seen, step.kind() == Kind.DELETE, also);
      }
    }
  }

  /** A client write with context {@code seen}, coordinated by {@code c} and replicated to {@code also}. */
  VersionSet write(int c, VersionVector seen, boolean delete, int also) {
    VersionSet before = replicas.get(c);
    long ts = ++clock;
    VersionSet after = delete
        ? before.delete(seen, actors.get(c), ts)
        : before.put(seen, actors.get(c), ("v" + ts).getBytes(StandardCharsets.UTF_8), ts);
    Dot dot = newDot(before, after);
    writes.add(new Write(dot, seen));
    replicas.set(c, after);
    replicas.set(also, replicas.get(also).merge(after));
    return after;
  }

  static Dot newDot(VersionSet before, VersionSet after) {
    Set<Dot> old = new HashSet<>();
    before.siblings().forEach(s -> old.add(s.dot()));
    return after.siblings().stream().map(Sibling::dot).filter(d -> !old.contains(d)).findFirst()
        .orElseThrow(() -> new AssertionError("the write added no sibling: " + after));
  }

  /** Every replica learns everything the others know. */
  void syncAll() {
    VersionSet all = VersionSet.EMPTY;
    for (VersionSet v : replicas) {
      all = all.merge(v);
    }
    for (int i = 0; i < size(); i++) {
      replicas.set(i, replicas.get(i).merge(all));
    }
  }

  /** The dots of the writes that no other write's client had seen: the ones that must survive. */
  Set<Dot> unseenWrites() {
    Set<Dot> out = new HashSet<>();
    for (Write w : writes) {
      boolean seenByLater = writes.stream().anyMatch(o -> o != w && o.seen().covers(w.dot()));
      if (!seenByLater) {
        out.add(w.dot());
      }
    }
    return out;
  }
}
