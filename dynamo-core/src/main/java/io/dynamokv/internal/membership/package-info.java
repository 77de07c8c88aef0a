/**
 * Internal. Membership: gossip, the phi accrual failure detector, the cluster state and the rules that move members and rings, and partition transfer.
 *
 * <p>Not part of the API: types here change without notice. Applications use {@code io.dynamokv};
 * storage engines and transports implement {@code io.dynamokv.spi}.
 */
package io.dynamokv.internal.membership;
