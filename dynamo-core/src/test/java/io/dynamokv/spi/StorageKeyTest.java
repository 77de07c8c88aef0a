package io.dynamokv.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Store names are limited in UTF-8 bytes, not characters; the short-name fast path keeps that. */
class StorageKeyTest {

  @Test
  void storeNamesAreMeasuredInUtf8Bytes() {
    assertThat(StorageKey.validateStore("a".repeat(255))).hasSize(255);
    assertThat(StorageKey.validateStore("€".repeat(85))).hasSize(85); // 255 bytes
    assertThat(StorageKey.validateStore("€".repeat(84))).hasSize(84); // 252 bytes, within the fast path's reach
    assertThatThrownBy(() -> StorageKey.validateStore("a".repeat(256)))
        .hasMessage("store name length : 256 bytes (expected: 1..255)");
    assertThatThrownBy(() -> StorageKey.validateStore("€".repeat(86)))
        .hasMessage("store name length : 258 bytes (expected: 1..255)");
    assertThatThrownBy(() -> StorageKey.validateStore(""))
        .hasMessage("store name length : 0 bytes (expected: 1..255)");
    assertThatThrownBy(() -> StorageKey.validateStore(null)).isInstanceOf(NullPointerException.class);
  }
}
