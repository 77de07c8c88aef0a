package io.dynamokv.internal.storage.memory;

import io.dynamokv.spi.StorageEngine;
import io.dynamokv.spi.StorageEngineContract;

class MemoryStorageEngineTest extends StorageEngineContract {

  @Override
  protected StorageEngine newEngine() {
    return new MemoryStorageEngine();
  }
}
