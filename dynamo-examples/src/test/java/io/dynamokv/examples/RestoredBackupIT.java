package io.dynamokv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamokv.Codec;
import io.dynamokv.Context;
import io.dynamokv.NodeId;
import io.dynamokv.ReadOptions;
import io.dynamokv.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #23, item 2, on real disks: three nodes (RocksDB with SYNC, Netty on loopback), N=3.
 * One is stopped cleanly, its data directory copied, written through, stopped, and started on
 * the old copy, which RocksDB opens as cleanly closed. It used to keep its incarnation and take
 * counters from the copy, so a blind write through it reused the dot of the update it had
 * acknowledged since, and one of the two vanished. Its peers remember the run the copy lacks:
 * it now takes a new incarnation before it writes, and both writes stay.
 */
class RestoredBackupIT {

  @TempDir
  Path dir;

  @Test
  void aNodeStartedOnAnOldCopyOfItsDataDirectoryLosesNoAcknowledgedWrite() throws IOException {
    try (LocalCluster cluster = new LocalCluster(dir, 3, Duration.ofSeconds(2))) {
      NodeId x = cluster.nodes().get(0);
      Store<String> carts = cluster.node(x).store("carts", Codec.utf8());
      carts.put("cart", Context.EMPTY, "before");

      cluster.kill(x); // a clean stop
      Path backup = dir.resolve("backup-" + x.value());
      copy(dir.resolve(x.value()), backup);
      cluster.restart(x);
      carts = cluster.node(x).store("carts", Codec.utf8());
      carts.put("cart", carts.get("cart").context(), "acknowledged");

      cluster.kill(x);
      delete(dir.resolve(x.value()));
      copy(backup, dir.resolve(x.value()));
      cluster.restart(x);
      carts = cluster.node(x).store("carts", Codec.utf8());
      carts.put("cart", Context.EMPTY, "blind");

      assertThat(carts.get("cart", ReadOptions.defaults().withR(3)).values())
          .containsExactlyInAnyOrder("acknowledged", "blind");
      assertThat(cluster.node(x).metrics().get("actor.renewals")).isEqualTo(1);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(f -> {
        try {
          Files.copy(f, to.resolve(from.relativize(f).toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static void delete(Path tree) throws IOException {
    try (Stream<Path> files = Files.walk(tree)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
