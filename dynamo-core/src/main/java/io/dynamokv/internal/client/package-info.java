/**
 * The client of a cluster, which holds no data: the ring it learns from the nodes and keeps
 * fresh ({@link io.dynamokv.internal.client.RingFollower}), its view of which nodes answer
 * ({@link io.dynamokv.internal.client.ClientHealth}), and the routing of each request to a
 * replica of its key, with failover within the deadline ({@link io.dynamokv.internal.client.ClientRouter}).
 */
package io.dynamokv.internal.client;
