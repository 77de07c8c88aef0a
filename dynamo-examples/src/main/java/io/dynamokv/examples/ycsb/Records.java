package io.dynamokv.examples.ycsb;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the binding keeps YCSB records: as maps whose fields are registers (an update is one map
 * operation, one round trip), or as whole values (an update reads the record and writes it back
 * with the read's context).
 */
interface Records {

  /** The record at {@code key}, only {@code fields} of it (all if null), or empty if absent. */
  Optional<Map<String, String>> read(String key, Set<String> fields);

  /** Writes a new record. */
  void insert(String key, Map<String, String> fields);

  /** Changes {@code fields} of the record, leaving the others. */
  void update(String key, Map<String, String> fields);

  /** Deletes the record. */
  void delete(String key);
}
