package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShippedDecodersTest {
  @Test
  void modulesAndEncodings() {
    assertEquals(List.of("plain", "ree", "bitpack", "dict", "parquet"), ShippedDecoders.modules());
    assertEquals("capsule.ree", ShippedDecoders.encodingName("ree"));
    assertEquals(2, ShippedDecoders.abiVersion("plain"), "offsets in place (SPEC 8.6)");
    assertEquals(3, ShippedDecoders.abiVersion("ree"), "run-end form (SPEC 8.7)");
    assertEquals(3, ShippedDecoders.abiVersion("dict"), "dictionary form (SPEC 8.7)");
    for (String m : List.of("bitpack", "parquet")) {
      assertEquals(1, ShippedDecoders.abiVersion(m), m);
    }
    assertThrows(IllegalArgumentException.class, () -> ShippedDecoders.abiVersion("zstd"));
  }

  @Test
  void bytesAreWasmModulesAndFreshCopies() {
    for (String m : ShippedDecoders.modules()) {
      byte[] a = ShippedDecoders.bytes(m);
      assertArrayEquals(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, java.util.Arrays.copyOf(a, 8), m);
      byte[] b = ShippedDecoders.bytes(m);
      assertNotSame(a, b);
      assertArrayEquals(a, b);
    }
  }

  @Test
  void unknownModule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShippedDecoders.bytes("zstd"));
    assertTrue(e.getMessage().contains("unknown decoder module 'zstd'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ShippedDecoders.bytes("../plain"));
    assertThrows(IllegalArgumentException.class, () -> ShippedDecoders.encodingName("PLAIN"));
    assertThrows(IllegalArgumentException.class, () -> ShippedDecoders.bytes(null));
  }
}
