/**
 * The RocksDB storage engine: {@link io.dynamokv.storage.rocksdb.RocksDbStorageEngine}, opened
 * with a {@link io.dynamokv.storage.rocksdb.RocksDbConfig}. Everything else in this package is
 * package-private.
 */
package io.dynamokv.storage.rocksdb;
