package io.dynamokv.internal;

import io.dynamokv.NodeId;
import io.dynamokv.internal.wire.PartitionChunk;
import io.dynamokv.spi.version.VersionSet;
import io.dynamokv.spi.version.VersionVector;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link io.dynamokv.Store} asks of whoever runs its requests: a node's coordinator, or a
 * client that sends each request to a replica of its key. Arguments are checked by the store
 * first; futures never throw and may complete on I/O threads.
 */
public interface Coordination {

  /** Reads {@code key}: the merge of R of its N replicas. */
  CompletableFuture<VersionSet> get(String store, byte[] key, int n, int r, Duration timeout);

  /** Reads what {@code replica} alone holds for {@code key}: a diagnostic. */
  CompletableFuture<VersionSet> readReplica(String store, byte[] key, NodeId replica, Duration timeout);

  /**
   * Writes {@code value} (a delete if empty) over the versions {@code seen} covers, once W of N have
   * it; completes with a set whose context is the key's after the write (its siblings may be left
   * out: a coordinator elsewhere does not send them back).
   */
  CompletableFuture<VersionSet> put(String store, byte[] key, VersionVector seen, Optional<byte[]> value, int n,
      int w, Duration timeout);

  /**
   * Applies {@code operation} (see {@code CrdtValues}) to the built-in type at {@code key}, at a
   * replica, once W of N have the result; completes with the key's set after it (its siblings only
   * after an increment, whose answer is the count; otherwise they may be left out).
   */
  CompletableFuture<VersionSet> update(String store, byte[] key, byte[] operation, int n, int w, Duration timeout);

  /**
   * Reads one page of the keys that start with {@code prefix} (a group's, which places them all,
   * see {@code GroupedKey}) after {@code afterKey}: the merge of R of N replicas' pages of at most
   * {@code limit} keys; complete once no replica holds more. The next page starts after its last key.
   */
  CompletableFuture<PartitionChunk> scan(String store, byte[] prefix, byte[] afterKey, int limit, int n, int r,
      Duration timeout);
}
