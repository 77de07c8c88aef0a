package io.dynamokv.examples.ycsb;

import io.dynamokv.Context;
import io.dynamokv.GetResult;
import io.dynamokv.Store;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Records as whole values of a {@link Store} (the field map in a compact codec): an update reads
 * the record, merges the fields and writes it back with the read's context, so it never makes
 * needless siblings; concurrent updates that still do are merged field by field.
 */
final class ValueRecords implements Records {

  private final Store<Map<String, String>> store;

  ValueRecords(Store<Map<String, String>> store) {
    this.store = store;
  }

  @Override
  public Optional<Map<String, String>> read(String key, Set<String> fields) {
    GetResult<Map<String, String>> read = store.get(key);
    if (read.isAbsent()) {
      return Optional.empty();
    }
    Map<String, String> out = new TreeMap<>();
    read.value().orElseThrow().forEach((k, v) -> {
      if (fields == null || fields.contains(k)) {
        out.put(k, v);
      }
    });
    return Optional.of(out);
  }

  @Override
  public void insert(String key, Map<String, String> fields) {
    store.put(key, Context.EMPTY, fields);
  }

  @Override
  public void update(String key, Map<String, String> fields) {
    store.update(key, current -> {
      Map<String, String> next = new TreeMap<>(current.orElse(Map.of()));
      next.putAll(fields);
      return next;
    });
  }

  @Override
  public void delete(String key) {
    store.delete(key, store.get(key).context());
  }
}
