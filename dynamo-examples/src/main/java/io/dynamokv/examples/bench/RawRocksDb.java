package io.dynamokv.examples.bench;

import io.dynamokv.storage.rocksdb.RocksDbConfig;
import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * A plain RocksDB with the options the library's engine uses (block cache, bloom filter,
 * memtable bloom, LZ4, write buffer): the storage baseline. Closes every handle once.
 */
final class RawRocksDb implements AutoCloseable {

  final RocksDB db;
  final WriteOptions write;
  private final LRUCache cache;
  private final BloomFilter bloom;
  private final Options options;

  RawRocksDb(Path dir, boolean sync) throws RocksDBException {
    RocksDB.loadLibrary();
    cache = new LRUCache(RocksDbConfig.DEFAULT_BLOCK_CACHE_BYTES);
    bloom = new BloomFilter(RocksDbConfig.DEFAULT_BLOOM_BITS_PER_KEY, false);
    options = new Options()
        .setCreateIfMissing(true)
        .setMaxBackgroundJobs(2)
        .setWriteBufferSize(RocksDbConfig.DEFAULT_WRITE_BUFFER_BYTES)
        .setMemtablePrefixBloomSizeRatio(0.02)
        .setMemtableWholeKeyFiltering(true)
        .setBytesPerSync(1 << 20)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(bloom));
    write = new WriteOptions().setSync(sync);
    db = RocksDB.open(options, dir.toString());
  }

  @Override
  public void close() {
    db.close();
    write.close();
    options.close();
    bloom.close();
    cache.close();
  }
}
