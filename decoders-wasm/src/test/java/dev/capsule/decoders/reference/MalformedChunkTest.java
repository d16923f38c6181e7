package dev.capsule.decoders.reference;

import static dev.capsule.decoders.reference.ChunkBuilder.hex;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule of the contract a chunk can break, and the byte offset the error must name. */
class MalformedChunkTest {

  static Stream<Arguments> chunks() {
    return Stream.of(
        // header
        bad("plain", "truncated header", hex("0200 00"), 0, "row_count"),
        bad("plain", "header without flags", hex("01000000 01"), 5, "flags"),
        bad("plain", "FIXED3 value cut short", hex("01000000 03 00 0000 00"), 8, "values needs 3 bytes"),
        bad("plain", "unknown flag bit", hex("01000000 01 02 0000 00"), 5, "flags"),
        bad("plain", "reserved header field", hex("01000000 01 00 0001 00"), 7, "reserved"),
        bad("plain", "row count beyond 2^31", hex("ffffffff 01 00 0000"), 0, "row_count"),
        bad("plain", "validity bits past row_count", hex("03000000 01 01 0000 0f 000000"), 8, "validity bitmap has bits set"),
        bad("plain", "truncated validity", hex("09000000 01 01 0000 ff"), 8, "validity"),
        // plain
        bad("plain", "short values", hex("02000000 04 00 0000 01000000 020000"), 8, "values"),
        bad("plain", "trailing bytes", hex("01000000 01 00 0000 07 0102"), 9, "unexpected bytes"),
        bad("plain", "short bitmap", hex("09000000 00 00 0000 ff"), 8, "values bitmap"),
        bad("plain", "values bits past row_count", hex("03000000 00 00 0000 08"), 8, "values bitmap has bits set"),
        bad("plain", "offsets[0] not 0", hex("01000000 ff 00 0000 01000000 02000000 6161"), 8, "offsets[0]"),
        bad("plain", "decreasing offsets", hex("02000000 ff 00 0000 00000000 02000000 01000000 6161"), 16, "offsets[2]"),
        bad("plain", "short data", hex("01000000 ff 00 0000 00000000 03000000 6161"), 16, "data"),
        // ree
        bad("ree", "no run for rows", hex("02000000 01 00 0000 00000000"), 8, "run_count 0"),
        bad("ree", "a run for no rows", hex("00000000 01 00 0000 01000000 00000000 07"), 8, "run_count 1"),
        bad("ree", "more runs than rows", hex("01000000 01 00 0000 02000000 01000000 01000000 0707"), 8, "exceeds"),
        bad("ree", "run ends not increasing", hex("03000000 01 00 0000 02000000 02000000 02000000 0708"), 16, "run_ends[1]"),
        bad("ree", "zero first run end", hex("03000000 01 00 0000 02000000 00000000 03000000 0708"), 12, "run_ends[0]"),
        bad("ree", "run end past rows", hex("03000000 01 00 0000 02000000 01000000 04000000 0708"), 16, "exceeds"),
        bad("ree", "last run end short of rows", hex("03000000 01 00 0000 02000000 01000000 02000000 0708"), 16, "last run end"),
        bad("ree", "bool run value 2", hex("02000000 00 00 0000 02000000 01000000 02000000 0102"), 21, "0 or 1"),
        bad("ree", "short run values", hex("02000000 02 00 0000 01000000 02000000 07"), 16, "run values"),
        // bitpack
        bad("bitpack", "BIT layout", bitpack(0, 1, 0).build(), 4, "BIT"),
        bad("bitpack", "FIXED12 layout", bitpack(12, 1, 0).build(), 4, "FIXED12"),
        bad("bitpack", "VARIABLE layout", bitpack(255, 1, 0).build(), 4, "VARIABLE"),
        bad("bitpack", "bit width 57", bitpack(8, 1, 57).bytes(new byte[8 + 8]).build(), 16, "57"),
        bad("bitpack", "reserved after width", ChunkBuilder.header(1, 4, null).i64(0).u8(0).bytes(hex("00000000000100")).bytes(new byte[8]).build(), 22, "reserved"),
        bad("bitpack", "padding not zero", bitpack(4, 2, 4).u8(0x21).bytes(hex("0000000000000001")).build(), 32, "padding"),
        bad("bitpack", "bits after the last delta", bitpack(4, 1, 4).u8(0x21).bytes(new byte[8]).build(), 24, "after its last value"),
        bad("bitpack", "no padding", bitpack(4, 2, 4).u8(0x21).build(), 25, "padding"),
        bad("bitpack", "truncated deltas", bitpack(4, 20, 8).bytes(new byte[10]).build(), 24, "packed deltas"),
        // dict
        bad("dict", "BIT layout", ChunkBuilder.header(1, 0, null).u32(1).u8(1).build(), 4, "BIT"),
        bad("dict", "empty dictionary", ChunkBuilder.header(1, 1, null).u32(0).u8(0).u8(0).u16(0).bytes(new byte[8]).build(), 8, "dict_size"),
        bad("dict", "code width 33", ChunkBuilder.header(1, 1, null).u32(1).u8(7).u8(33).u8(0).u16(0).bytes(new byte[13]).build(), 13, "33"),
        bad("dict", "code out of range", ChunkBuilder.header(3, 1, null).u32(3).bytes(hex("070809")).u8(2).u8(0).u16(0).packed(new long[] {0, 3, 1}, 2).build(), 19, "code 3 of row 1"),
        bad("dict", "bits after the last code", ChunkBuilder.header(3, 1, null).u32(3).bytes(hex("070809")).u8(2).u8(0).u16(0).bytes(hex("c4")).bytes(new byte[8]).build(), 19, "after its last value"),
        bad("dict", "reserved after width", ChunkBuilder.header(1, 1, null).u32(1).u8(7).u8(0).u8(0).u16(1).bytes(new byte[8]).build(), 15, "reserved"),
        bad("dict", "dictionary offsets decreasing", ChunkBuilder.header(1, 255, null).u32(2).u32(0).u32(2).u32(1).bytes(hex("6161")).u8(1).u8(0).u16(0).packed(new long[] {1}, 1).build(), 20, "dictionary offsets[2]"),
        bad("dict", "truncated dictionary", ChunkBuilder.header(1, 8, null).u32(2).bytes(new byte[12]).build(), 12, "dictionary"));
  }

  private static ChunkBuilder bitpack(int layoutCode, int rows, int width) {
    return ChunkBuilder.header(rows, layoutCode, null).i64(0).u8(width).bytes(new byte[7]);
  }

  private static Arguments bad(String module, String what, byte[] chunk, int offset, String mentions) {
    return Arguments.of(module, what, chunk, offset, mentions);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("chunks")
  void rejected(String module, String what, byte[] chunk, int offset, String mentions) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceDecoders.forModule(module).decode(chunk, 0, 0));
    String message = e.getMessage();
    assertTrue(message.contains("capsule." + module), message);
    assertTrue(message.contains("byte offset " + offset + ":"), message);
    assertTrue(message.contains(mentions), message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("windows")
  void windowOutsideTheChunk(int first, int count) {
    byte[] chunk = hex("04000000 01 00 0000 01020304");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ReferenceDecoders.forModule("plain").decode(chunk, first, count));
    assertTrue(e.getMessage().contains("4 rows"), e.getMessage());
  }

  static Stream<Arguments> windows() {
    return Stream.of(Arguments.of(-1, 1), Arguments.of(0, 5), Arguments.of(4, 1), Arguments.of(2, -1),
        Arguments.of(Integer.MAX_VALUE, Integer.MAX_VALUE));
  }
}
