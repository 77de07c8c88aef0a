/**
 * Tools for testing code that uses dynamo-kv, and dynamo-kv itself: a simulated network, clock
 * and scheduler in virtual time ({@link io.dynamokv.testkit.Simulation}), a transport with fault
 * switches ({@link io.dynamokv.testkit.FaultyTransport}), storage that can be crashed
 * ({@link io.dynamokv.testkit.CrashableStorage}), and checkers over recorded histories
 * ({@link io.dynamokv.testkit.Checkers}). Part of the public API, for tests only: production code
 * never uses it.
 */
package io.dynamokv.testkit;
