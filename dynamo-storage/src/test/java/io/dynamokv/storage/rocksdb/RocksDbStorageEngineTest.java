package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageEngineContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract over RocksDB with fsync'd group commit (the default). */
class RocksDbStorageEngineTest extends StorageEngineContract {

  @TempDir Path dir;
  private final AtomicInteger opened = new AtomicInteger();

  @Override
  protected StorageEngine newEngine() {
    return RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir.resolve("db-" + opened.incrementAndGet()))
        .blockCacheBytes(8 << 20)
        .build());
  }
}
