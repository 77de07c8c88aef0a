/**
 * Causality, as a storage engine stores it: a key's {@link io.dynamokv.spi.version.VersionSet}
 * (its siblings, each with the {@link io.dynamokv.spi.version.Dot} of the write that made it, and
 * the {@link io.dynamokv.spi.version.VersionVector} they were written over: dotted version vector
 * sets), their byte format ({@link io.dynamokv.spi.version.VersionSetCodec}), and the per-key
 * {@link io.dynamokv.spi.version.SegmentDigest digest} an engine folds into its Merkle leaves.
 * Values are immutable; "changing" one returns a new one.
 */
package io.dynamokv.spi.version;
