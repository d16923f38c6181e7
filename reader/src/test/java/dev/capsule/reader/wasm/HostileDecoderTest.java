package dev.capsule.reader.wasm;

import static dev.capsule.reader.wasm.TestDecoders.WHERE;
import static dev.capsule.reader.wasm.TestDecoders.WHERE_TEXT;
import static dev.capsule.reader.wasm.TestDecoders.compile;
import static dev.capsule.reader.wasm.TestDecoders.hostileChunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.DecoderException;
import dev.capsule.format.PhysicalLayout;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.extension.OpaqueType;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * hostile.wasm misbehaves in one way per chunk (modes in hostile.c). Each must end in a
 * DecoderException that names the chunk - never a hang, an OutOfMemoryError, an interrupted thread,
 * a pending watchdog alarm, or a leaked Arrow buffer or wasm memory.
 */
@Timeout(60)
class HostileDecoderTest extends LeakCheckedTest {
  private static final Field INTS = Field.nullable("c", new ArrowType.Int(32, true));
  private static final Field STRINGS = Field.nullable("c", new ArrowType.Utf8());
  private static final Field BYTES = Field.nullable("c", new ArrowType.Binary());
  private static final DecodeLimits LIMITS = new DecodeLimits(4 << 20, Duration.ofMillis(300));

  @AfterEach
  void checkThreadState() {
    assertFalse(Thread.currentThread().isInterrupted(), "thread left interrupted");
    assertEquals(0, Watchdog.pending(), "watchdog alarm left behind");
  }

  /** mode, column, expected message fragment; decode rows [0, 10) after a successful open. */
  static Stream<Arguments> decodeFailures() {
    return Stream.of(
        Arguments.of(1, INTS, "decoder trapped in capsule_decode: Trapped on unreachable instruction"),
        Arguments.of(2, INTS, "decoder exceeded time limit of 300 ms in capsule_decode"),
        Arguments.of(3, INTS, "failed with status 1: hostile: memory.grow refused"),
        Arguments.of(4, INTS, "decoder trapped in capsule_decode: out of bounds memory access"),
        Arguments.of(5, INTS, "length is 11, 10 rows were requested"),
        Arguments.of(6, INTS, "the values buffer ["),
        Arguments.of(7, STRINGS, "offsets decrease at row 1: 5 then 4"),
        Arguments.of(8, STRINGS, "the data buffer ["),
        Arguments.of(9, STRINGS, "row 0 is not valid UTF-8 (byte 0 of the batch's data)"),
        Arguments.of(10, INTS, "null_count is 0 but the validity bitmap has 1 nulls"),
        Arguments.of(11, INTS, "null_count is 1 but there is no validity bitmap"),
        Arguments.of(12, INTS, "failed with status 7: hostile: decode refused on purpose"),
        Arguments.of(16, INTS, "n_buffers is 3, layout FIXED4 has 2"),
        Arguments.of(17, INTS, "offset is 1, it must be 0"),
        Arguments.of(18, INTS, "has children"),
        Arguments.of(19, INTS, "(capsule_error returned 4294967280, outside the memory)"),
        Arguments.of(20, STRINGS, "row 0 is not valid UTF-8 (a character continues into the next row)"),
        Arguments.of(21, STRINGS, "offsets[0] is 1, it must be 0"),
        Arguments.of(22, INTS, "call stack"),
        Arguments.of(23, INTS, "the buffer table ["),
        Arguments.of(24, INTS, "(capsule_error failed: "),
        Arguments.of(25, INTS, "has a dictionary"),
        Arguments.of(26, INTS, "decoder trapped in capsule_decode"),
        Arguments.of(27, INTS, "the validity bitmap ["),
        Arguments.of(28, INTS, "length is 1099511627776, 10 rows were requested"));
  }

  @ParameterizedTest(name = "mode {0}: {2}")
  @MethodSource("decodeFailures")
  void decodeFailsWithTheChunksLocation(int mode, Field field, String expected) throws Exception {
    PhysicalLayout layout = PhysicalLayout.of(field.getType());
    long started = System.nanoTime();
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(mode, layout), field, LIMITS, WHERE);
        FieldVector vector = field.createVector(allocator)) {
      DecoderException e = assertThrows(DecoderException.class, () -> decoder.decodeInto(0, 10, vector));
      assertTrue(e.getMessage().startsWith(WHERE_TEXT + ": decoder "), e.getMessage());
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      assertEquals(WHERE, e.location());
      assertEquals(0, vector.getValueCount(), "a failed batch leaves the vector as it was");
    }
    // A time limit of 300 ms twice over (decode, then capsule_error) is far from this.
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
  }

  static Stream<Arguments> openFailures() {
    return Stream.of(
        Arguments.of(13, "capsule_open failed: hostile: open refused on purpose"),
        Arguments.of(14, "decoder trapped in capsule_open: Trapped on unreachable instruction"),
        Arguments.of(15, "decoder exceeded time limit of 300 ms in capsule_open"));
  }

  @ParameterizedTest(name = "mode {0}: {1}")
  @MethodSource("openFailures")
  void openFailsWithTheChunksLocation(int mode, String expected) {
    DecoderException e = assertThrows(DecoderException.class,
        () -> ChunkDecoder.open(compile("hostile"), hostileChunk(mode, PhysicalLayout.FIXED4), INTS, LIMITS, WHERE));
    assertTrue(e.getMessage().startsWith(WHERE_TEXT + ": decoder "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  /** An extension type stored as utf8 is utf8 to the host: its strings are checked like any others. */
  @Test
  void invalidUtf8IsRefusedInAnExtensionColumnStoredAsUtf8() throws Exception {
    Field opaque = Field.nullable("c", new OpaqueType(new ArrowType.Utf8(), "text", "test"));
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(9, PhysicalLayout.VARIABLE),
            opaque, LIMITS, WHERE);
        FieldVector vector = opaque.createVector(allocator)) {
      DecoderException e = assertThrows(DecoderException.class, () -> decoder.decodeInto(0, 10, vector));
      assertTrue(e.getMessage().contains("row 0 is not valid UTF-8"), e.getMessage());
    }
  }

  @Test
  void invalidUtf8IsFineInABinaryColumn() throws Exception {
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(9, PhysicalLayout.VARIABLE),
            BYTES, LIMITS, WHERE);
        VarBinaryVector vector = (VarBinaryVector) BYTES.createVector(allocator)) {
      decoder.decodeInto(0, 10, vector);
      vector.validateFull();
      assertEquals((byte) 0xff, vector.get(0)[0]);
    }
  }

  @Test
  void aNullSlotMayHoldInvalidUtf8() throws Exception {
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(29, PhysicalLayout.VARIABLE),
            STRINGS, LIMITS, WHERE);
        VarCharVector vector = (VarCharVector) STRINGS.createVector(allocator)) {
      decoder.decodeInto(0, 10, vector);
      assertTrue(vector.isNull(0));
      assertEquals("ab", vector.getObject(1).toString());
    }
  }

  @Test
  void theMemoryBombStopsAtTheCap() throws Exception {
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(3, PhysicalLayout.FIXED4),
            INTS, LIMITS, WHERE);
        FieldVector vector = INTS.createVector(allocator)) {
      assertThrows(DecoderException.class, () -> decoder.decodeInto(0, 10, vector));
      assertTrue(OffHeapMemory.reservedBytes() - reservedBefore <= LIMITS.memoryCapBytes(),
          "reserved " + (OffHeapMemory.reservedBytes() - reservedBefore));
    }
  }

  @Test
  void memoryBombsTogetherStopAtTheJvmWideBudget() throws Exception {
    long saved = OffHeapMemory.totalBudgetBytes;
    OffHeapMemory.totalBudgetBytes = OffHeapMemory.reservedBytes() + (6 << 20);
    try (ChunkDecoder first = ChunkDecoder.open(compile("hostile"), hostileChunk(3, PhysicalLayout.FIXED4),
            INTS, LIMITS, WHERE);
        ChunkDecoder second = ChunkDecoder.open(compile("hostile"), hostileChunk(3, PhysicalLayout.FIXED4),
            INTS, LIMITS, WHERE);
        FieldVector vector = INTS.createVector(allocator)) {
      assertThrows(DecoderException.class, () -> first.decodeInto(0, 10, vector));
      assertThrows(DecoderException.class, () -> second.decodeInto(0, 10, vector));
      long grown = OffHeapMemory.reservedBytes() - reservedBefore;
      assertTrue(grown <= 6 << 20, "reserved " + grown);
      assertTrue(grown > LIMITS.memoryCapBytes(), "the second bomb grew nothing: " + grown);
    } finally {
      OffHeapMemory.totalBudgetBytes = saved;
    }
  }

  @Test
  void aTrapMakesTheDecoderUnusable() throws Exception {
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(1, PhysicalLayout.FIXED4),
            INTS, LIMITS, WHERE);
        FieldVector vector = INTS.createVector(allocator)) {
      assertThrows(DecoderException.class, () -> decoder.decodeInto(0, 10, vector));
      DecoderException again = assertThrows(DecoderException.class, () -> decoder.decodeInto(0, 10, vector));
      assertTrue(again.getMessage().contains("is unusable: it failed in capsule_decode"), again.getMessage());
    }
  }

  @Test
  void wellBehavedModeDecodes() throws Exception {
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(0, PhysicalLayout.FIXED4),
            INTS, LIMITS, WHERE);
        IntVector vector = (IntVector) INTS.createVector(allocator)) {
      decoder.decodeInto(5, 10, vector);
      vector.validateFull();
      assertEquals(14, vector.get(9));
    }
  }

  @Test
  void anInterruptFromOutsideIsNotTheDecodersFaultAndStaysSet() throws Exception {
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("hostile"), hostileChunk(2, PhysicalLayout.FIXED4),
            INTS, DecodeLimits.defaults(), WHERE);
        FieldVector vector = INTS.createVector(allocator)) {
      Thread caller = Thread.currentThread();
      Thread interrupter = new Thread(() -> {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
        caller.interrupt();
      });
      interrupter.start();
      long started = System.nanoTime();
      assertThrows(InterruptedIOException.class, () -> decoder.decodeInto(0, 10, vector));
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
      assertTrue(Thread.interrupted(), "the caller's interrupt must survive"); // and clears it
      interrupter.join();
    }
  }
}
