package io.dynamokv.internal.coordinator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a node has done, as monotonic counters that operators and tests can read. Thread-safe and
 * cheap to increment (striped adders).
 */
public final class NodeMetrics {

  final LongAdder gets = new LongAdder();
  final LongAdder primaryReads = new LongAdder();
  /** Clients' reads of the digest of this node's own copy, beside another primary's whole copy. */
  final LongAdder primaryDigests = new LongAdder();
  /** Of those sets and digests, the ones the storage engine held in memory, served on an I/O thread. */
  final LongAdder primaryReadsFromMemory = new LongAdder();
  /** Pages of a group's keys (a set's elements) read with a quorum. */
  final LongAdder scans = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder putsForwarded = new LongAdder();
  final LongAdder putsCoordinated = new LongAdder();
  final LongAdder putsCoordinatedAsFallback = new LongAdder();
  final LongAdder quorumFailures = new LongAdder();
  final LongAdder replicaRequestFailures = new LongAdder();
  final LongAdder hintedWrites = new LongAdder();
  final LongAdder hintsStored = new LongAdder();
  final LongAdder hintsDelivered = new LongAdder();
  final LongAdder readRepairs = new LongAdder();
  /** Replicas a read coordinated here asked for a digest of their copy rather than the copy. */
  final LongAdder digestReads = new LongAdder();
  /** Replicas whose digest differed from the coordinator's copy, so a read fetched their whole set. */
  final LongAdder digestMismatches = new LongAdder();
  /** Replicas a read asked beyond its R because those asked first were slow. */
  final LongAdder speculativeReads = new LongAdder();
  final LongAdder peersMarkedDown = new LongAdder();
  final LongAdder peersMarkedUp = new LongAdder();
  final LongAdder writesToNewOwners = new LongAdder();
  /** Puts and gets sent here to coordinate (by a client or a node) for a key this node is not a primary of. */
  final LongAdder misroutedRequests = new LongAdder();

  /** Returns every counter by name, sorted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    m.put("gets", gets.sum());
    m.put("gets.served.to.clients", primaryReads.sum());
    m.put("digests.served.to.clients", primaryDigests.sum());
    m.put("served.to.clients.from.memory", primaryReadsFromMemory.sum());
    m.put("puts", puts.sum());
    m.put("puts.forwarded", putsForwarded.sum());
    m.put("puts.coordinated", putsCoordinated.sum());
    m.put("puts.coordinated.as.fallback", putsCoordinatedAsFallback.sum());
    m.put("quorum.failures", quorumFailures.sum());
    m.put("scans", scans.sum());
    m.put("replica.request.failures", replicaRequestFailures.sum());
    m.put("hints.written.to.fallbacks", hintedWrites.sum());
    m.put("hints.stored", hintsStored.sum());
    m.put("hints.delivered", hintsDelivered.sum());
    m.put("read.repairs", readRepairs.sum());
    m.put("reads.digest", digestReads.sum());
    m.put("reads.digest.mismatches", digestMismatches.sum());
    m.put("reads.speculative", speculativeReads.sum());
    m.put("peers.marked.down", peersMarkedDown.sum());
    m.put("peers.marked.up", peersMarkedUp.sum());
    m.put("writes.to.new.owners", writesToNewOwners.sum());
    m.put("requests.misrouted", misroutedRequests.sum());
    return m;
  }
}
