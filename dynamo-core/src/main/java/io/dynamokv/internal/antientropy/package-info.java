/**
 * Internal. Anti-entropy: Merkle trees over partitions, the exchange that finds and repairs differing keys between replicas, and tombstone collection.
 *
 * <p>Not part of the API: types here change without notice. Applications use {@code io.dynamokv};
 * storage engines and transports implement {@code io.dynamokv.spi}.
 */
package io.dynamokv.internal.antientropy;
