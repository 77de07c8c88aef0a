/**
 * Internal. The protocol: one record per message type, and the frame codec that turns them into bytes and back.
 *
 * <p>Not part of the API: types here change without notice. Applications use {@code io.dynamokv};
 * storage engines and transports implement {@code io.dynamokv.spi}.
 */
package io.dynamokv.internal.wire;
