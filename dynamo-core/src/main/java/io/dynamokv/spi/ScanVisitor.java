package io.dynamokv.spi;

import io.dynamokv.spi.version.VersionSet;

/** Receives the keys of a scan, in key order. */
@FunctionalInterface
public interface ScanVisitor {

  /**
   * Receives one key and its version set.
   *
   * @return whether to continue the scan
   */
  boolean visit(StorageKey key, VersionSet versions);
}
