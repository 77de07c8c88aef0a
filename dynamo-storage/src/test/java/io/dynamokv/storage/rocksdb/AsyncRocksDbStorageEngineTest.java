package io.dynamokv.storage.rocksdb;

import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageEngineContract;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract over RocksDB with asynchronous durability. */
class AsyncRocksDbStorageEngineTest extends StorageEngineContract {

  @TempDir Path dir;
  private final AtomicInteger opened = new AtomicInteger();

  @Override
  protected StorageEngine newEngine() {
    return RocksDbStorageEngine.open(RocksDbConfig.newBuilder(dir.resolve("db-" + opened.incrementAndGet()))
        .durability(Durability.ASYNC)
        .blockCacheBytes(8 << 20)
        .build());
  }
}
