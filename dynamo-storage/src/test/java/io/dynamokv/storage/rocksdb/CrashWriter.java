package io.dynamokv.storage.rocksdb;

import io.dynamokv.NodeId;
import io.dynamokv.internal.ring.KeySpace;
import io.dynamokv.spi.StorageKey;
import io.dynamokv.spi.version.ActorId;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link RocksDbCrashIT}: writes keys with the given durability (SYNC
 * unless the fifth argument is {@code async}) from several threads, forever, and prints
 * {@code ack <key>} for each write whose future completed. The parent kills it with SIGKILL and
 * checks every acknowledged key.
 */
public final class CrashWriter {

  static final KeySpace KEY_SPACE = new KeySpace(64);
  static final String STORE = "crash";

  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String round = args[1];
    int threads = Integer.parseInt(args[2]);
    // "drop-some" breaks the writer on purpose: it acknowledges every tenth key without
    // writing it, so the parent test can show that its check catches lost acknowledged writes.
    boolean dropSome = args.length > 3 && args[3].equals("drop-some");
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Durability durability = args.length > 4 && args[4].equals("async") ? Durability.ASYNC : Durability.SYNC;
    RocksDbStorageEngine engine = RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir).durability(durability).build());
    ActorId actor = ActorId.of(NodeId.of("crash-writer"), Long.parseLong(round));
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread writer = new Thread(() -> {
        for (long i = 0; ; i++) {
          String k = round + "-" + thread + "-" + i;
          byte[] value = k.getBytes(StandardCharsets.UTF_8);
          if (!(dropSome && i % 10 == 9)) {
            engine.update(key(k), v -> v.put(v.context(), actor, value, 1)).join();
          }
          ack(out, k);
        }
      }, "writer-" + t);
      writer.start();
    }
    synchronized (out) {
      out.println("started");
      out.flush();
    }
    Thread.currentThread().join(); // until killed
  }

  private static void ack(PrintStream out, String k) {
    synchronized (out) {
      out.println("ack " + k);
      out.flush();
    }
  }

  static StorageKey key(String k) {
    return KEY_SPACE.storageKey(STORE, k.getBytes(StandardCharsets.UTF_8));
  }
}
