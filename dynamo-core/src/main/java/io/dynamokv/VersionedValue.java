package io.dynamokv;

/**
 * One sibling as a resolver sees it: the value and the wall-clock time its coordinator
 * stamped on the write. The time plays no part in causality; it is there for policies that
 * want it, such as last-write-wins.
 */
public record VersionedValue<V>(V value, long timestampMillis) {}
