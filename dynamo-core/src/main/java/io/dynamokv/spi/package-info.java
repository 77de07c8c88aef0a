/**
 * The service provider interface: what a storage engine or a transport implements, and what the
 * core asks of its environment ({@link io.dynamokv.spi.Clock}, {@link io.dynamokv.spi.Scheduler}).
 * Self-contained with {@code io.dynamokv.spi.version} and the application API: an engine or a
 * transport needs no internal type to implement it. The RocksDB engine and the Netty transport
 * are its implementations in this project; {@link io.dynamokv.spi.StorageEngine#inMemory()} gives
 * the in-memory one.
 */
package io.dynamokv.spi;
