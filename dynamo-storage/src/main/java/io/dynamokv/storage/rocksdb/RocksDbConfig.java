package io.dynamokv.storage.rocksdb;

import static io.dynamokv.internal.Checks.requireUnset;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a {@link RocksDbStorageEngine}: where its data lives, how durable writes
 * are, and the few RocksDB knobs worth tuning for small values. Immutable; built with
 * {@link #newBuilder(Path)}, whose setters may each be called once.
 */
public final class RocksDbConfig {

  /** Default block cache: 64 MiB. */
  public static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
  /** Default memtable size: 32 MiB. */
  public static final long DEFAULT_WRITE_BUFFER_BYTES = 32L << 20;
  /** Default group-commit window: none, fsyncs follow each other at once (see {@link Builder#groupCommitWindow}). */
  public static final Duration DEFAULT_GROUP_COMMIT_WINDOW = Duration.ZERO;
  /** Default bloom filter bits per key: 10, about 1% false positives. */
  public static final int DEFAULT_BLOOM_BITS_PER_KEY = 10;
  /** Default update cache: 32 MiB of heap (see {@link Builder#updateCacheBytes}). */
  public static final int DEFAULT_UPDATE_CACHE_BYTES = 32 << 20;
  /** The largest update cache: 1 GiB. */
  public static final int MAX_UPDATE_CACHE_BYTES = 1 << 30;

  private final Path directory;
  private final Durability durability;
  private final long blockCacheBytes;
  private final long writeBufferBytes;
  private final int bloomBitsPerKey;
  private final boolean compression;
  private final Duration groupCommitWindow;
  private final int updateCacheBytes;

  private RocksDbConfig(Builder b) {
    directory = b.directory;
    durability = b.durability == null ? Durability.SYNC : b.durability;
    blockCacheBytes = b.blockCacheBytes == null ? DEFAULT_BLOCK_CACHE_BYTES : b.blockCacheBytes;
    writeBufferBytes = b.writeBufferBytes == null ? DEFAULT_WRITE_BUFFER_BYTES : b.writeBufferBytes;
    bloomBitsPerKey = b.bloomBitsPerKey == null ? DEFAULT_BLOOM_BITS_PER_KEY : b.bloomBitsPerKey;
    compression = b.compression == null || b.compression;
    groupCommitWindow = b.groupCommitWindow == null ? DEFAULT_GROUP_COMMIT_WINDOW : b.groupCommitWindow;
    updateCacheBytes = b.updateCacheBytes == null ? DEFAULT_UPDATE_CACHE_BYTES : b.updateCacheBytes;
  }

  /** Starts a configuration for the data directory {@code directory} (created if missing). */
  public static Builder newBuilder(Path directory) {
    return new Builder(directory);
  }

  /** Returns the data directory. */
  public Path directory() {
    return directory;
  }

  /** Returns when a write is acknowledged. */
  public Durability durability() {
    return durability;
  }

  /** Returns the size of the block cache shared by the column families, in bytes. */
  public long blockCacheBytes() {
    return blockCacheBytes;
  }

  /** Returns the memtable size of the data column family, in bytes. */
  public long writeBufferBytes() {
    return writeBufferBytes;
  }

  /** Returns the bloom filter's bits per key (0 disables it). */
  public int bloomBitsPerKey() {
    return bloomBitsPerKey;
  }

  /** Returns whether SST files are LZ4-compressed. */
  public boolean compression() {
    return compression;
  }

  /** Returns how long, under concurrent writes, an fsync may wait for more writes to join it. */
  public Duration groupCommitWindow() {
    return groupCommitWindow;
  }

  /** Returns the heap kept for the sets of recently updated keys, in bytes (0: none). */
  public int updateCacheBytes() {
    return updateCacheBytes;
  }

  @Override
  public String toString() {
    return "RocksDbConfig{directory=" + directory + ", durability=" + durability
        + ", blockCacheBytes=" + blockCacheBytes + ", writeBufferBytes=" + writeBufferBytes
        + ", bloomBitsPerKey=" + bloomBitsPerKey + ", compression=" + (compression ? "lz4" : "none")
        + ", groupCommitWindow=" + groupCommitWindow.toNanos() / 1000 + "us"
        + ", updateCacheBytes=" + updateCacheBytes + "}";
  }

  /** Collects settings; each may be set once. Not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private Durability durability;
    private Long blockCacheBytes;
    private Long writeBufferBytes;
    private Integer bloomBitsPerKey;
    private Boolean compression;
    private Duration groupCommitWindow;
    private Integer updateCacheBytes;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Sets when writes are acknowledged; default {@link Durability#SYNC}. */
    public Builder durability(Durability durability) {
      requireUnset(this.durability, "durability");
      this.durability = Objects.requireNonNull(durability, "durability");
      return this;
    }

    /** Sets the block cache size; default 64 MiB, at least 1 MiB. */
    public Builder blockCacheBytes(long bytes) {
      requireUnset(blockCacheBytes, "blockCacheBytes");
      if (bytes < (1 << 20)) {
        throw new IllegalArgumentException("blockCacheBytes : " + bytes + " (expected: >= 1048576)");
      }
      blockCacheBytes = bytes;
      return this;
    }

    /** Sets the memtable size; default 32 MiB, at least 1 MiB. */
    public Builder writeBufferBytes(long bytes) {
      requireUnset(writeBufferBytes, "writeBufferBytes");
      if (bytes < (1 << 20)) {
        throw new IllegalArgumentException("writeBufferBytes : " + bytes + " (expected: >= 1048576)");
      }
      writeBufferBytes = bytes;
      return this;
    }

    /** Sets the bloom filter's bits per key; default 10, 0 to disable, at most 32. */
    public Builder bloomBitsPerKey(int bits) {
      requireUnset(bloomBitsPerKey, "bloomBitsPerKey");
      if (bits < 0 || bits > 32) {
        throw new IllegalArgumentException("bloomBitsPerKey : " + bits + " (expected: 0..32)");
      }
      bloomBitsPerKey = bits;
      return this;
    }

    /** Sets whether SST files are LZ4-compressed; default true. */
    public Builder compression(boolean enabled) {
      requireUnset(compression, "compression");
      compression = enabled;
      return this;
    }

    /**
     * Sets how long, with {@link Durability#SYNC}, an fsync may wait for more writes to join it;
     * default {@link Duration#ZERO}, never to wait, at most 100 ms. Writes go on while
     * the fsync thread waits and syncs, so the window delays only when writes become durable,
     * not when they are applied. The wait applies only to concurrent writers (the last fsync
     * covered more than one write, or writes arrived during it) arriving fast enough that the
     * window should gather 8 more, and ends once a quarter of the window passes with no new
     * write: a lone writer never waits. Each fsync costs CPU time in the kernel as well as disk
     * time; a longer window means fewer fsyncs and later acknowledgements. A window pays only
     * where fsyncs are dearer than the wait (a slow disk, with CPU to spare meanwhile); where
     * the CPU is busy anyway it only delays acknowledgements.
     */
    public Builder groupCommitWindow(Duration window) {
      requireUnset(groupCommitWindow, "groupCommitWindow");
      Objects.requireNonNull(window, "window");
      if (window.isNegative() || window.compareTo(Duration.ofMillis(100)) > 0) {
        throw new IllegalArgumentException("groupCommitWindow : " + window + " (expected: 0..100 ms)");
      }
      groupCommitWindow = window;
      return this;
    }

    /**
     * Sets how much heap the writer keeps for the stored sets of the keys it last read or
     * wrote; default 32 MiB, 0 for none, at most 1 GiB. Every update reads its key's set before
     * writing (a coordinator to make the new version, a replica to merge); a key found here
     * costs no RocksDB read, the largest single cost of a put. It helps when the keys being written fit: 32 MiB holds the last
     * 150,000 or so updates of 100-byte values; with writes spread over many more keys than
     * that, most updates read RocksDB as before. One byte array, allocated when the engine
     * opens.
     */
    public Builder updateCacheBytes(int bytes) {
      requireUnset(updateCacheBytes, "updateCacheBytes");
      if (bytes < 0 || bytes > MAX_UPDATE_CACHE_BYTES) {
        throw new IllegalArgumentException("updateCacheBytes : " + bytes + " (expected: 0.." + MAX_UPDATE_CACHE_BYTES + ")");
      }
      updateCacheBytes = bytes;
      return this;
    }

    /** Returns the configuration. */
    public RocksDbConfig build() {
      return new RocksDbConfig(this);
    }
  }
}
