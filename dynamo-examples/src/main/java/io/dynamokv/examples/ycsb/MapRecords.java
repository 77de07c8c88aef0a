package io.dynamokv.examples.ycsb;

import io.dynamokv.Codec;
import io.dynamokv.MapRead;
import io.dynamokv.MapStore;
import io.dynamokv.MapUpdate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Records as built-in maps, each field a register: an insert or an update is one map operation. */
final class MapRecords implements Records {

  private static final Codec<String> UTF8 = Codec.utf8();
  private final MapStore maps;

  MapRecords(MapStore maps) {
    this.maps = maps;
  }

  @Override
  public Optional<Map<String, String>> read(String key, Set<String> fields) {
    MapRead record = maps.get(key);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> out = new TreeMap<>();
    for (String name : record.fieldNames()) {
      if (fields == null || fields.contains(name)) {
        record.register(name, UTF8).ifPresent(v -> out.put(name, v));
      }
    }
    return Optional.of(out);
  }

  @Override
  public void insert(String key, Map<String, String> fields) {
    update(key, fields);
  }

  @Override
  public void update(String key, Map<String, String> fields) {
    MapUpdate changes = new MapUpdate();
    fields.forEach((name, value) -> changes.register(name, UTF8, value));
    maps.update(key, changes);
  }

  @Override
  public void delete(String key) {
    MapRead record = maps.get(key);
    MapUpdate changes = new MapUpdate();
    record.fieldNames().forEach(name -> changes.removeField(name, record));
    if (!record.isEmpty()) {
      maps.update(key, changes);
    }
  }
}
