package dev.capsule.writer.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import dev.capsule.writer.encoding.TestColumns.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Worked examples: the exact bytes SPEC.md prescribes, written out by hand. The
 * reference decoders' tests decode the same bytes.
 */
class GoldenChunksTest {

  private static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replace(" ", ""));
  }

  private static ColumnValues ints(PhysicalLayout layout, ValueKind kind, Long... values) {
    Type type = new Type(layout, kind);
    List<byte[]> rows = new ArrayList<>();
    boolean[] isNull = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      isNull[i] = values[i] == null;
      rows.add(TestColumns.le(values[i] == null ? 0 : values[i], layout.byteWidth()));
    }
    return TestColumns.of(type, rows, isNull);
  }

  private static ColumnValues strings(String... values) {
    List<byte[]> rows = new ArrayList<>();
    boolean[] isNull = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      isNull[i] = values[i] == null;
      rows.add(values[i] == null ? new byte[0] : values[i].getBytes(StandardCharsets.UTF_8));
    }
    return TestColumns.of(new Type(PhysicalLayout.VARIABLE, ValueKind.OPAQUE), rows, isNull);
  }

  /** SPEC.md 7.5, byte for byte: int32 [7, 7, 7, -2, null, 5]. */
  @Test
  void specWorkedExamples() {
    ColumnValues values = ints(PhysicalLayout.FIXED4, ValueKind.SIGNED_INTEGER, 7L, 7L, 7L, -2L, null, 5L);
    String header = "06000000 04 01 0000 2f ";
    assertArrayEquals(hex(header + "07000000 07000000 07000000 feffffff 00000000 05000000"), Encodings.plain().encode(values));
    assertArrayEquals(hex(header + "03000000 03000000 05000000 06000000 07000000 feffffff 05000000"), Encodings.ree().encode(values));
    assertArrayEquals(hex(header + "feffffffffffffff 04 00000000000000 990970 0000000000000000"), Encodings.bitpack().encode(values));
    assertArrayEquals(hex(header + "03000000 07000000 feffffff 05000000 02 000000 4008 0000000000000000"), Encodings.dict().encode(values));

    ColumnValues strings = strings("ab", null, "", "ab");
    assertArrayEquals(hex("04000000 ff 01 0000 0d 00000000 02000000 02000000 02000000 04000000 61626162"),
        Encodings.plain().encode(strings));
    assertArrayEquals(hex("04000000 ff 01 0000 0d 02000000 00000000 02000000 02000000 6162 01 000000 04 0000000000000000"),
        Encodings.dict().encode(strings));

    List<byte[]> bools = List.of(new byte[] {1}, new byte[] {0}, new byte[] {0}, new byte[] {1});
    ColumnValues bool = TestColumns.of(new Type(PhysicalLayout.BIT, ValueKind.OPAQUE), bools, new boolean[] {false, true, false, false});
    assertArrayEquals(hex("04000000 00 01 0000 0d 09"), Encodings.plain().encode(bool));
  }

  @Test
  void plainInt32() {
    assertArrayEquals(hex("02000000 04 00 0000  01000000 feffffff"),
        Encodings.plain().encode(ints(PhysicalLayout.FIXED4, ValueKind.SIGNED_INTEGER, 1L, -2L)));
  }

  @Test
  void plainStringsWithNull() {
    // validity 0b101; the null value is stored empty
    assertArrayEquals(hex("03000000 ff 01 0000  05  00000000 02000000 02000000 03000000  616263"),
        Encodings.plain().encode(strings("ab", null, "c")));
  }

  @Test
  void reeInt16() {
    assertArrayEquals(hex("04000000 02 00 0000  02000000  03000000 04000000  0700 0900"),
        Encodings.ree().encode(ints(PhysicalLayout.FIXED2, ValueKind.SIGNED_INTEGER, 7L, 7L, 7L, 9L)));
  }

  @Test
  void reeBoolWithNull() {
    List<byte[]> rows = List.of(new byte[] {1}, new byte[] {1}, new byte[] {0}, new byte[] {0});
    ColumnValues values = TestColumns.of(new Type(PhysicalLayout.BIT, ValueKind.OPAQUE), rows, new boolean[] {false, false, true, false});
    // validity 0b1011; the null row joins the run of trues
    assertArrayEquals(hex("04000000 00 01 0000  0b  02000000  03000000 04000000  01 00"), Encodings.ree().encode(values));
  }

  @Test
  void bitpackInt32() {
    // reference -1, width 2, deltas 0, 1, 3 -> bits 11 01 00 -> 0x34, then 8 bytes of padding
    assertArrayEquals(hex("03000000 04 00 0000  ffffffffffffffff 02 00000000000000  34  0000000000000000"),
        Encodings.bitpack().encode(ints(PhysicalLayout.FIXED4, ValueKind.SIGNED_INTEGER, -1L, 0L, 2L)));
  }

  @Test
  void bitpackAllNull() {
    assertArrayEquals(hex("02000000 08 01 0000  00  0000000000000000 00 00000000000000  0000000000000000"),
        Encodings.bitpack().encode(ints(PhysicalLayout.FIXED8, ValueKind.SIGNED_INTEGER, null, null)));
  }

  @Test
  void dictStringsWithNull() {
    // dictionary ["b", "a"], width 1, codes 0 1 0(null) 0 -> 0b0010
    assertArrayEquals(
        hex("04000000 ff 01 0000  0b  02000000  00000000 01000000 02000000 6261  01 000000  02  0000000000000000"),
        Encodings.dict().encode(strings("b", "a", null, "b")));
  }
}
