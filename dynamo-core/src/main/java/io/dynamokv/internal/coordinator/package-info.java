/**
 * Internal. The data path: quorum reads and writes with sloppy quorum and read repair, the replica service a node serves, peer health, and hinted handoff.
 *
 * <p>Not part of the API: types here change without notice. Applications use {@code io.dynamokv};
 * storage engines and transports implement {@code io.dynamokv.spi}.
 */
package io.dynamokv.internal.coordinator;
