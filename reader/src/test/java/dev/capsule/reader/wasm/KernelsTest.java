package dev.capsule.reader.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.arrow.memory.util.MemoryUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The off-heap kernels of output validation: UTF-8 and bitmaps, against plain Java references. */
class KernelsTest {
  /** Runs check on a copy of bytes placed at an odd address, so word reads are unaligned. */
  private static long utf8(byte[] bytes) {
    long region = MemoryUtil.allocateMemory(bytes.length + 16);
    try {
      MemoryUtil.copyToMemory(bytes, 0, region + 3, bytes.length);
      return Utf8.check(region + 3, bytes.length);
    } finally {
      MemoryUtil.freeMemory(region);
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void acceptsWellFormedUtf8() {
    assertEquals(Utf8.ASCII, utf8(new byte[0]));
    assertEquals(Utf8.ASCII, utf8("plain ascii, longer than one word".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Utf8.VALID, utf8("héllo wörld — 日本語 😀 and more ascii after it".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Utf8.VALID, utf8(bytes(0xEF, 0xBF, 0xBF))); // U+FFFF
    assertEquals(Utf8.VALID, utf8(bytes(0xF4, 0x8F, 0xBF, 0xBF))); // U+10FFFF
    assertEquals(Utf8.VALID, utf8(bytes(0xED, 0x9F, 0xBF))); // U+D7FF, just below the surrogates
  }

  @Test
  void findsTheFirstBadSequence() {
    assertEquals(8, utf8(bytes('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 0x80)));
    assertEquals(1, utf8(bytes('a', 0xC0, 0x80))); // overlong NUL
    assertEquals(0, utf8(bytes(0xC1, 0xBF))); // overlong
    assertEquals(0, utf8(bytes(0xE0, 0x9F, 0xBF))); // overlong 3-byte
    assertEquals(0, utf8(bytes(0xED, 0xA0, 0x80))); // surrogate U+D800
    assertEquals(0, utf8(bytes(0xF0, 0x8F, 0xBF, 0xBF))); // overlong 4-byte
    assertEquals(0, utf8(bytes(0xF4, 0x90, 0x80, 0x80))); // above U+10FFFF
    assertEquals(0, utf8(bytes(0xF5, 0x80, 0x80, 0x80)));
    assertEquals(0, utf8(bytes(0xFF)));
    assertEquals(2, utf8(bytes('a', 'b', 0xE2, 0x82))); // truncated at the end
    assertEquals(0, utf8(bytes(0xE2, 0x28, 0xA1))); // bad continuation
    assertEquals(3, utf8(bytes(0xC3, 0xA9, 'x', 0xA9))); // lone continuation after a valid char
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    Random random = new Random(7);
    for (int round = 0; round < 20_000; round++) {
      byte[] b = new byte[random.nextInt(24)];
      for (int i = 0; i < b.length; i++) {
        // mostly ASCII and lead/continuation bytes, where the bugs live
        int kind = random.nextInt(4);
        b[i] = (byte) (kind == 0 ? random.nextInt(128) : kind == 1 ? 0x80 + random.nextInt(64)
            : kind == 2 ? 0xC0 + random.nextInt(64) : random.nextInt(256));
      }
      boolean jdkValid;
      try {
        StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
        jdkValid = true;
      } catch (java.nio.charset.CharacterCodingException e) {
        jdkValid = false;
      }
      long result = utf8(b);
      assertEquals(jdkValid, result < 0, () -> "bytes " + java.util.HexFormat.of().formatHex(b) + " -> " + result);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 8, 9, 63, 64, 65, 127, 1000, 4099})
  void countsBitsUpToTheLength(int bits) {
    Random random = new Random(bits);
    byte[] bitmap = new byte[(bits + 7) / 8 + 8];
    random.nextBytes(bitmap);
    long expected = 0;
    for (int i = 0; i < bits; i++) {
      expected += (bitmap[i >> 3] >> (i & 7)) & 1;
    }
    long region = MemoryUtil.allocateMemory(bitmap.length + 1);
    try {
      MemoryUtil.copyToMemory(bitmap, 0, region + 1, bitmap.length);
      assertEquals(expected, Bitmaps.countOnes(region + 1, bits));
      Bitmaps.setOnes(region + 1, bits);
      assertEquals(bits, Bitmaps.countOnes(region + 1, bits));
      if (bits % 8 != 0) {
        assertEquals((1 << (bits % 8)) - 1, MemoryUtil.getByte(region + 1 + bits / 8) & 0xFF);
      }
      MemoryUtil.putByte(region + 1 + bits / 8, (byte) 0xFF);
      Bitmaps.clearTail(region + 1, bits);
      assertEquals(bits % 8 == 0 ? 0xFF : (1 << (bits % 8)) - 1, MemoryUtil.getByte(region + 1 + bits / 8) & 0xFF);
    } finally {
      MemoryUtil.freeMemory(region);
    }
  }
}
