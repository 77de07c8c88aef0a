/**
 * Internal. The in-memory storage engine, reached through StorageEngine.inMemory().
 *
 * <p>Not part of the API: types here change without notice. Applications use {@code io.dynamokv};
 * storage engines and transports implement {@code io.dynamokv.spi}.
 */
package io.dynamokv.internal.storage.memory;
