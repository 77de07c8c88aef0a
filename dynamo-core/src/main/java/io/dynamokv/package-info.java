/**
 * The application API of dynamo-kv: {@link io.dynamokv.DynamoNode} (a node embedded in your
 * service) and its builder, {@link io.dynamokv.Store} (a named, typed, replicated key-value
 * store), {@link io.dynamokv.GetResult} and {@link io.dynamokv.Context} (what a read returns and
 * a write replaces), {@link io.dynamokv.Codec} and {@link io.dynamokv.ConflictResolver} (your
 * value format and merge callback), options, status and report records, and the exceptions
 * (all {@link io.dynamokv.DynamoException}s).
 *
 * <p>This package, {@code io.dynamokv.spi}, {@code io.dynamokv.spi.version},
 * {@code io.dynamokv.testkit} and {@code io.dynamokv.micrometer} are the library's public surface. Packages under
 * {@code io.dynamokv.internal} are not: they change without notice.
 */
package io.dynamokv;
