package io.dynamokv.internal;

import java.nio.charset.StandardCharsets;

/**
 * Strings as UTF-8, refusing the ones UTF-8 cannot hold. A Java string may contain an unpaired
 * surrogate (half of a character outside the Basic Multilingual Plane); {@link String#getBytes}
 * replaces it with {@code '?'}, so that {@code "\uD800"}, {@code "\uDFFF"} and {@code "?"} would
 * become one key, or one store. Every key, store name and node id is checked here before it
 * becomes bytes.
 */
public final class Utf8 {

  private Utf8() {}

  /**
   * Returns {@code s} in UTF-8.
   *
   * @param what what {@code s} is, for the error message ("key", "store name")
   * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate
   */
  public static byte[] encode(String what, String s) {
    requireWellFormed(what, s);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Fails if {@code s} holds an unpaired surrogate.
   *
   * @throws IllegalArgumentException naming the first one and where it stands
   */
  public static void requireWellFormed(String what, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        continue;
      }
      throw new IllegalArgumentException(String.format(
          "%s : not valid Unicode (an unpaired surrogate U+%04X at index %d)", what, (int) c, i));
    }
  }
}
