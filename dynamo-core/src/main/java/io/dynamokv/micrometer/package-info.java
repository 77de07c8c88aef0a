/**
 * Micrometer reporting: {@link io.dynamokv.micrometer.DynamoMeterBinder} binds a node's or a
 * client's counters and latencies to a {@code MeterRegistry}. Exported; needs micrometer-core on
 * the class path (an optional dependency of dynamo-core).
 */
package io.dynamokv.micrometer;
