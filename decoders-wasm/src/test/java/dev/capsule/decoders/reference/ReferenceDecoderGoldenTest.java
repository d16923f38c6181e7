package dev.capsule.decoders.reference;

import static dev.capsule.decoders.reference.ChunkBuilder.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Worked examples of the contract (the writer's GoldenChunksTest encodes the same values to these bytes). */
class ReferenceDecoderGoldenTest {

  @Test
  void plainInt32() {
    ColumnValues v = ReferenceDecoders.forModule("plain")
        .decodeAll(hex("02000000 04 00 0000  01000000 feffffff"), ValueKind.SIGNED_INTEGER);
    assertEquals(PhysicalLayout.FIXED4, v.layout());
    assertEquals(ValueKind.SIGNED_INTEGER, v.kind());
    assertNull(v.validity());
    assertArrayEquals(hex("01000000 feffffff"), v.data());
  }

  @Test
  void plainStringsWithNull() {
    byte[] chunk = hex("03000000 ff 01 0000  05  00000000 02000000 02000000 03000000  616263");
    ColumnValues v = ReferenceDecoders.forModule("plain").decode(chunk, 0, 3);
    assertArrayEquals(new int[] {0, 2, 2, 3}, v.offsets());
    assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), v.data());
    assertFalse(v.isValid(1));
    assertEquals(1, v.nullCount());
    ColumnValues tail = ReferenceDecoders.forModule("plain").decode(chunk, 1, 2);
    assertArrayEquals(new int[] {0, 0, 1}, tail.offsets());
    assertArrayEquals(new byte[] {0b10}, tail.validity());
  }

  @Test
  void plainBoolWindowStartsAtBitZero() {
    // 10 values 1011001110 (row 0 first) -> bytes 0xcd 0x01
    byte[] chunk = hex("0a000000 00 00 0000  cd 01");
    ColumnValues v = ReferenceDecoders.forModule("plain").decode(chunk, 3, 6);
    // rows 3..8: 1 0 0 1 1 1 -> 0b111001
    assertArrayEquals(new byte[] {0b111001}, v.data());
  }

  @Test
  void reeInt16() {
    byte[] chunk = hex("04000000 02 00 0000  02000000  03000000 04000000  0700 0900");
    assertArrayEquals(hex("0700 0700 0700 0900"), ReferenceDecoders.forModule("ree").decode(chunk, 0, 4).data());
    assertArrayEquals(hex("0700 0900"), ReferenceDecoders.forModule("ree").decode(chunk, 2, 2).data());
  }

  @Test
  void reeBoolWithNull() {
    byte[] chunk = hex("04000000 00 01 0000  0b  02000000  03000000 04000000  01 00");
    ColumnValues v = ReferenceDecoders.forModule("ree").decode(chunk, 0, 4);
    assertArrayEquals(new byte[] {0b0111}, v.data()); // the null row outputs its run's value
    assertArrayEquals(new byte[] {0b1011}, v.validity());
  }

  @Test
  void bitpackInt32() {
    byte[] chunk = hex("03000000 04 00 0000  ffffffffffffffff 02 00000000000000  34  0000000000000000");
    assertArrayEquals(hex("ffffffff 00000000 02000000"), ReferenceDecoders.forModule("bitpack").decode(chunk, 0, 3).data());
  }

  @Test
  void bitpackWrapsModulo2To64AndTruncates() {
    // FIXED1, reference 0x1ff (truncates to 0xff), width 1, deltas 0 1 -> 0xff, 0x00
    byte[] chunk = ChunkBuilder.header(2, 1, null).i64(0x1ff).u8(1).bytes(new byte[7]).packed(new long[] {0, 1}, 1).build();
    assertArrayEquals(hex("ff 00"), ReferenceDecoders.forModule("bitpack").decode(chunk, 0, 2).data());
    // FIXED8, reference Long.MAX_VALUE, delta 1 -> Long.MIN_VALUE
    chunk = ChunkBuilder.header(1, 8, null).i64(Long.MAX_VALUE).u8(1).bytes(new byte[7]).packed(new long[] {1}, 1).build();
    assertArrayEquals(hex("0000000000000080"), ReferenceDecoders.forModule("bitpack").decode(chunk, 0, 1).data());
  }

  @Test
  void bitpackAllNull() {
    byte[] chunk = hex("02000000 08 01 0000  00  0000000000000000 00 00000000000000  0000000000000000");
    ColumnValues v = ReferenceDecoders.forModule("bitpack").decode(chunk, 0, 2);
    assertEquals(2, v.nullCount());
    assertArrayEquals(new byte[16], v.data());
  }

  @Test
  void dictStringsWithNull() {
    byte[] chunk = hex("04000000 ff 01 0000  0b  02000000  00000000 01000000 02000000 6261  01 000000  02  0000000000000000");
    ColumnValues v = ReferenceDecoders.forModule("dict").decode(chunk, 0, 4);
    assertArrayEquals("babb".getBytes(StandardCharsets.US_ASCII), v.data()); // null row: code 0
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, v.offsets());
    assertTrue(v.isValid(3));
    assertFalse(v.isValid(2));
  }

  @Test
  void fiftySixBitDeltasAtEveryAlignment() {
    long[] deltas = new long[17];
    for (int i = 0; i < deltas.length; i++) {
      deltas[i] = ((1L << 56) - 1) ^ ((long) i * 0x0123_4567_89ABL);
    }
    byte[] chunk = ChunkBuilder.header(deltas.length, 8, null).i64(5).u8(56).bytes(new byte[7]).packed(deltas, 56).build();
    ColumnValues v = ReferenceDecoders.forModule("bitpack").decodeAll(chunk, ValueKind.SIGNED_INTEGER);
    for (int i = 0; i < deltas.length; i++) {
      long value = 0;
      for (int b = 7; b >= 0; b--) {
        value = value << 8 | (v.data()[i * 8 + b] & 0xFF);
      }
      assertEquals(deltas[i] + 5, value, "row " + i);
    }
  }

  @Test
  void tinyChunkOfHugeRowCount() {
    // One run of 2^31 - 1 rows: a legal 21-byte chunk whose whole output no Java array can hold.
    byte[] chunk = ChunkBuilder.header(Integer.MAX_VALUE, 4, null).u32(1).u32(Integer.MAX_VALUE).u32(42).build();
    ReferenceDecoder ree = ReferenceDecoders.forModule("ree");
    assertArrayEquals(hex("2a000000 2a000000"), ree.decode(chunk, Integer.MAX_VALUE - 2, 2).data());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ree.decodeAll(chunk, ValueKind.OPAQUE));
    assertTrue(e.getMessage().contains("smaller window"), e.getMessage());
  }

  @Test
  void emptyChunks() {
    assertEquals(0, ReferenceDecoders.forModule("plain").decodeAll(hex("00000000 ff 00 0000 00000000"), ValueKind.OPAQUE).rowCount());
    assertEquals(0, ReferenceDecoders.forModule("ree").decodeAll(hex("00000000 04 00 0000 00000000"), ValueKind.OPAQUE).rowCount());
    assertEquals(0, ReferenceDecoders.forModule("bitpack")
        .decodeAll(hex("00000000 04 00 0000 0000000000000000 00 00000000000000 0000000000000000"), ValueKind.OPAQUE).rowCount());
    assertEquals(0, ReferenceDecoders.forModule("dict")
        .decodeAll(hex("00000000 ff 00 0000 00000000 00000000 00 000000 0000000000000000"), ValueKind.OPAQUE).rowCount());
  }

  /** SPEC.md 7.5: int32 [7, 7, 7, -2, null, 5] in each encoding; null slots as the spec lists them. */
  @Test
  void specWorkedExamples() {
    String header = "06000000 04 01 0000 2f ";
    String[][] examples = {
        {"plain", "07000000 07000000 07000000 feffffff 00000000 05000000", "00000000"},
        {"ree", "03000000 03000000 05000000 06000000 07000000 feffffff 05000000", "feffffff"},
        {"bitpack", "feffffffffffffff 04 00000000000000 990970 0000000000000000", "feffffff"},
        {"dict", "03000000 07000000 feffffff 05000000 02 000000 4008 0000000000000000", "07000000"},
    };
    for (String[] example : examples) {
      ColumnValues v = ReferenceDecoders.forModule(example[0]).decodeAll(hex(header + example[1]), ValueKind.SIGNED_INTEGER);
      assertArrayEquals(hex("07000000 07000000 07000000 feffffff" + example[2] + "05000000"), v.data(), example[0]);
      assertArrayEquals(new byte[] {0x2f}, v.validity(), example[0]);
      assertArrayEquals(hex(example[2] + "05000000"), ReferenceDecoders.forModule(example[0]).decode(hex(header + example[1]), 4, 2).data());
    }
    byte[] plainStrings = hex("04000000 ff 01 0000 0d 00000000 02000000 02000000 02000000 04000000 61626162");
    byte[] dictStrings = hex("04000000 ff 01 0000 0d 02000000 00000000 02000000 02000000 6162 01 000000 04 0000000000000000");
    assertArrayEquals(new int[] {0, 2, 2, 2, 4}, ReferenceDecoders.forModule("plain").decode(plainStrings, 0, 4).offsets());
    ColumnValues dict = ReferenceDecoders.forModule("dict").decode(dictStrings, 0, 4);
    assertArrayEquals(new int[] {0, 2, 4, 4, 6}, dict.offsets()); // the null row decodes to dictionary[0]
    assertArrayEquals("ababab".getBytes(StandardCharsets.US_ASCII), dict.data());
    ColumnValues bool = ReferenceDecoders.forModule("plain").decode(hex("04000000 00 01 0000 0d 09"), 0, 4);
    assertArrayEquals(new byte[] {0x09}, bool.data());
  }

  @Test
  void modules() {
    for (String module : ReferenceDecoders.modules()) {
      assertEquals(module, ReferenceDecoders.forModule(module).module());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReferenceDecoders.forModule("zstd"));
    assertTrue(e.getMessage().contains("zstd"));
  }
}
