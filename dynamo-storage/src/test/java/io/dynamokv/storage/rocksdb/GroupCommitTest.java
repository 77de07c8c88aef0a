package io.dynamokv.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.spi.StorageException;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.Update;
import io.dynamokv.spi.version.VersionSet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.rocksdb.RocksDBException;

/**
 * The writer and fsync threads of {@link GroupCommit}, with a writer and an fsync that only
 * count: writes go on while an fsync runs, and no update is durable before an fsync that began
 * after it was written.
 */
@Timeout(60)
class GroupCommitTest {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  /** Counts updates as written, in order, keeping each one's place (by its durable future). */
  private static final class CountingWriter implements GroupCommit.Writer {
    final AtomicLong written = new AtomicLong();
    final Map<CompletableFuture<VersionSet>, Long> placeOf = new ConcurrentHashMap<>();

    @Override
    public boolean write(List<GroupCommit.Queued> group) {
      boolean any = false;
      for (GroupCommit.Queued q : group) {
        if (!q.isSync()) {
          placeOf.put(q.durable, written.incrementAndGet());
          q.applied.complete(q.change.apply(VersionSet.EMPTY));
          any = true;
        }
      }
      return any;
    }
  }

  private static StorageKey key(int i) {
    return StorageKey.of("s", 0, 0, ("k" + i).getBytes(StandardCharsets.UTF_8));
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aWriteIsAppliedWhileAnEarlierWritesFsyncRunsAndWaitsForAnFsyncOfItsOwn() throws Exception {
    CountingWriter writer = new CountingWriter();
    CountDownLatch firstFsyncStarted = new CountDownLatch(1);
    CountDownLatch releaseFirstFsync = new CountDownLatch(1);
    AtomicInteger fsyncs = new AtomicInteger();
    WalSyncer.Fsync fsync = () -> {
      if (fsyncs.incrementAndGet() == 1) {
        firstFsyncStarted.countDown();
        awaitUninterruptibly(releaseFirstFsync);
      }
    };
    try (GroupCommit commit = new GroupCommit(writer, fsync, true, "test-commit", Duration.ZERO)) {
      Update first = commit.submit(key(1), v -> v);
      Update second;
      try {
        assertThat(firstFsyncStarted.await(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        second = commit.submit(key(2), v -> v);
        await(second.applied()); // written while the first fsync still runs
        assertThat(first.durable()).isNotDone();
        assertThat(second.durable()).isNotDone();
      } finally {
        releaseFirstFsync.countDown(); // so that a failure above does not leave close waiting
      }
      await(first.durable());
      await(second.durable());
      // The first fsync began before the second write: only a second fsync may cover it.
      assertThat(fsyncs.get()).isEqualTo(2);
    }
  }

  @Test
  void noUpdateIsDurableBeforeAnFsyncThatBeganAfterItWasWritten() throws Exception {
    CountingWriter writer = new CountingWriter();
    AtomicLong coveredUpTo = new AtomicLong(); // the writes done before the last finished fsync began
    WalSyncer.Fsync fsync = () -> {
      long covered = writer.written.get();
      coveredUpTo.accumulateAndGet(covered, Math::max);
    };
    List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (GroupCommit commit = new GroupCommit(writer, fsync, true, "test-commit", Duration.ofMillis(1))) {
      List<CompletableFuture<?>> all = new ArrayList<>();
      Semaphore inFlight = new Semaphore(64);
      for (int i = 0; i < 4_000; i++) {
        int n = i;
        inFlight.acquire();
        CompletableFuture<?> done = CompletableFuture.supplyAsync(() -> commit.submit(key(n), v -> v), clients)
            .thenCompose(u -> u.durable().thenRun(() -> {
              long place = writer.placeOf.get(u.durable());
              if (place > coveredUpTo.get()) {
                violations.add("write " + place + " durable with fsyncs covering only " + coveredUpTo.get());
              }
            }))
            .whenComplete((v, t) -> inFlight.release());
        all.add(done);
      }
      await(CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
      assertThat(violations).isEmpty();
      assertThat(commit.syncCount()).isPositive().isLessThan(4_000);
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aFailedFsyncFailsTheWritesItCoveredAndTheNextOneSucceeds() throws Exception {
    CountingWriter writer = new CountingWriter();
    AtomicInteger fsyncs = new AtomicInteger();
    WalSyncer.Fsync fsync = () -> {
      if (fsyncs.incrementAndGet() == 1) {
        throw new RocksDBException("disk full");
      }
    };
    try (GroupCommit commit = new GroupCommit(writer, fsync, true, "test-commit", Duration.ZERO)) {
      Update failed = commit.submit(key(1), v -> v);
      assertThat(failed.durable()).failsWithin(DEADLINE).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withCauseInstanceOf(StorageException.class)
          .withMessageContaining("fsync of the write-ahead log failed: disk full");
      await(failed.applied()); // it was written; only its durability is unknown

      Update next = commit.submit(key(2), v -> v);
      await(next.durable());
      assertThat(fsyncs.get()).isEqualTo(2);
    }
  }

  @Test
  void withoutFsyncAWriteIsDurableOnceWrittenAndNoFsyncRuns() throws Exception {
    CountingWriter writer = new CountingWriter();
    AtomicInteger fsyncs = new AtomicInteger();
    try (GroupCommit commit = new GroupCommit(writer, fsyncs::incrementAndGet, false, "test-commit", Duration.ZERO)) {
      Update u = commit.submit(key(1), v -> v);
      assertThat(await(u.durable())).isEqualTo(await(u.applied()));
      await(commit.sync());
      assertThat(fsyncs.get()).isZero();
      assertThat(commit.syncCount()).isZero();
    }
  }

  @Test
  void closeWritesAndSyncsWhatIsQueued() throws Exception {
    CountingWriter writer = new CountingWriter();
    AtomicInteger fsyncs = new AtomicInteger();
    List<Update> updates = new ArrayList<>();
    try (GroupCommit commit = new GroupCommit(writer, fsyncs::incrementAndGet, true, "test-commit", Duration.ZERO)) {
      for (int i = 0; i < 100; i++) {
        updates.add(commit.submit(key(i), v -> v));
      }
    }
    for (Update u : updates) {
      assertThat(u.durable()).isCompleted();
    }
    assertThat(fsyncs.get()).isPositive();
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
