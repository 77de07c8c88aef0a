package io.dynamokv.storage.rocksdb;

/** When a write counts as stored, and so may be acknowledged. */
public enum Durability {

  /**
   * After the write-ahead log is fsync'd. Survives a crash of the process, the kernel or the
   * machine. Writes that arrive together share one fsync (group commit), so durable throughput
   * grows with concurrency. The default.
   */
  SYNC,

  /**
   * After the write is in the write-ahead log in the operating system's page cache, not yet
   * fsync'd. Survives a crash of the process; a kernel panic or power loss can lose the last
   * moments of writes, up to what the OS had not yet flushed (typically a few seconds).
   */
  ASYNC
}
