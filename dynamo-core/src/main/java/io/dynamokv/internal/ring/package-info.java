/**
 * Internal. The ring: key hashing, Q equal partitions, ring planning with minimal movement, and preference lists.
 *
 * <p>Not part of the API: types here change without notice. Applications use {@code io.dynamokv};
 * storage engines and transports implement {@code io.dynamokv.spi}.
 */
package io.dynamokv.internal.ring;
