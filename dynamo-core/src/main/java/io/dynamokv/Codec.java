package io.dynamokv;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a store's values into bytes and back. Implementations must be thread-safe and
 * deterministic enough that decoding what they encoded gives an equal value.
 */
public interface Codec<V> {

  /** Encodes {@code value}; throws {@link CodecException} if it cannot. */
  byte[] encode(V value);

  /**
   * Decodes {@code bytes}; throws {@link CodecException} if they are not a value. The array is
   * the codec's to read during the call only: it may be the read's own, so the codec must not
   * change it, and copies what its value keeps of it (as {@link #bytes()} does).
   */
  V decode(byte[] bytes);

  /** Values are byte arrays, stored as they are (copied). */
  static Codec<byte[]> bytes() {
    return new Codec<>() {
      @Override
      public byte[] encode(byte[] value) {
        return Objects.requireNonNull(value, "value").clone();
      }

      @Override
      public byte[] decode(byte[] bytes) {
        return bytes.clone();
      }
    };
  }

  /** Values are strings, stored as UTF-8. */
  static Codec<String> utf8() {
    return new Codec<>() {
      @Override
      public byte[] encode(String value) {
        return Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
      }
    };
  }

  /** Values are any Jackson-mappable type (a record, a POJO, a collection), stored as JSON. */
  static <V> Codec<V> json(Class<V> type) {
    return json(type, new ObjectMapper().findAndRegisterModules());
  }

  /** Like {@link #json(Class)}, with your own configured {@link ObjectMapper}. */
  static <V> Codec<V> json(Class<V> type, ObjectMapper mapper) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mapper, "mapper");
    return new Codec<>() {
      @Override
      public byte[] encode(V value) {
        try {
          return mapper.writeValueAsBytes(Objects.requireNonNull(value, "value"));
        } catch (IOException e) {
          throw new CodecException("cannot write " + value.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
      }

      @Override
      public V decode(byte[] bytes) {
        try {
          return mapper.readValue(bytes, type);
        } catch (IOException e) {
          throw new CodecException("cannot read a " + type.getName() + " from " + bytes.length
              + " bytes of JSON: " + e.getMessage(), e);
        }
      }
    };
  }
}
