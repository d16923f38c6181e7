package dev.capsule.reader.wasm;

import static dev.capsule.reader.wasm.TestDecoders.WHERE;
import static dev.capsule.reader.wasm.TestDecoders.WHERE_TEXT;
import static dev.capsule.reader.wasm.TestDecoders.arithChunk;
import static dev.capsule.reader.wasm.TestDecoders.compile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.DecoderException;
import dev.capsule.format.PhysicalLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host decodes "test.arith", an encoding the project never ships, through arith.wasm: proof
 * that the reader knows no encoding. Every Arrow type of every physical layout, with and without
 * nulls, in the batch shapes of DESIGN.md section 6.7, against a Java reference.
 */
class ArithDecoderTest {
  private static final int ROWS = 5000;
  private static final long START = Long.MAX_VALUE - 1234; // wraps around: sign extension is tested
  private static final long STEP = 977;

  private BufferAllocator allocator;

  @BeforeEach
  void setUp() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void tearDown() {
    allocator.close(); // fails the test if any buffer leaked
  }

  static Stream<Arguments> types() {
    return Stream.of(
        Arguments.of(new ArrowType.Bool()),
        Arguments.of(new ArrowType.Int(8, true)),
        Arguments.of(new ArrowType.Int(16, true)),
        Arguments.of(new ArrowType.Int(32, true)),
        Arguments.of(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
        Arguments.of(new ArrowType.Date(DateUnit.DAY)),
        Arguments.of(new ArrowType.Int(64, true)),
        Arguments.of(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
        Arguments.of(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
        Arguments.of(new ArrowType.Decimal(38, 2, 128)),
        Arguments.of(new ArrowType.Utf8()),
        Arguments.of(new ArrowType.Binary()));
  }

  /** Batch shapes: whole, 1..12, 31..33, 1024, then random skip + read. */
  static List<int[]> shapes(int rows, long seed) {
    List<int[]> ranges = new ArrayList<>();
    ranges.add(new int[] {0, rows});
    for (int size : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 31, 32, 33, 1024}) {
      for (int first = 0, k = 0; first < rows && k < 40; first += size, k++) {
        ranges.add(new int[] {first, Math.min(size, rows - first)});
      }
    }
    Random random = new Random(seed);
    for (int i = 0; i < 50; i++) {
      int first = random.nextInt(rows);
      ranges.add(new int[] {first, random.nextInt(rows - first + 1)});
    }
    ranges.add(new int[] {rows, 0});
    return ranges;
  }

  @ParameterizedTest
  @MethodSource("types")
  void decodesEveryShapeWithoutNulls(ArrowType type) throws Exception {
    decodeShapes(type, null);
  }

  @ParameterizedTest
  @MethodSource("types")
  void decodesEveryShapeWithNulls(ArrowType type) throws Exception {
    Random random = new Random(type.hashCode());
    boolean[] valid = new boolean[ROWS];
    for (int i = 0; i < ROWS; i++) {
      valid[i] = i % 97 == 0 ? false : random.nextInt(4) != 0;
    }
    decodeShapes(type, valid);
  }

  private void decodeShapes(ArrowType type, boolean[] valid) throws Exception {
    Field field = Field.nullable("c", type);
    PhysicalLayout layout = PhysicalLayout.of(type);
    ByteBuffer chunk = arithChunk(layout, ROWS, valid, START, STEP);
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"), chunk, field, DecodeLimits.defaults(), WHERE);
        FieldVector vector = field.createVector(allocator)) {
      for (int[] range : shapes(ROWS, 42)) {
        decoder.decodeInto(range[0], range[1], vector); // the same vector every time
        verify(vector, layout, valid, range[0], range[1]);
      }
    }
  }

  static void verify(FieldVector vector, PhysicalLayout layout, boolean[] valid, int first, int count) {
    assertEquals(count, vector.getValueCount());
    vector.validateFull();
    int nulls = 0;
    for (int i = 0; i < count; i++) {
      int row = first + i;
      boolean isValid = valid == null || valid[row];
      assertEquals(!isValid, vector.isNull(i), "null at row " + row);
      if (!isValid) {
        nulls++;
        continue;
      }
      long value = TestDecoders.arithValue(START, STEP, row);
      if (layout == PhysicalLayout.BIT) {
        assertEquals((int) (value & 1), ((BitVector) vector).get(i), "row " + row);
      } else if (layout == PhysicalLayout.VARIABLE) {
        assertArrayEquals(Long.toString(value).getBytes(StandardCharsets.US_ASCII),
            ((BaseVariableWidthVector) vector).get(i), "row " + row);
      } else {
        int w = layout.byteWidth();
        ArrowBuf data = vector.getDataBuffer();
        for (int b = 0; b < w; b++) {
          byte expected = b < 8 ? (byte) (value >>> (8 * b)) : (byte) (value < 0 ? -1 : 0);
          assertEquals(expected, data.getByte((long) i * w + b), "row " + row + " byte " + b);
        }
      }
    }
    assertEquals(nulls, vector.getNullCount());
  }

  @Test
  void typedValuesMatchTheReference() throws Exception {
    long start = -5;
    long step = 3;
    Field ints = Field.nullable("i", new ArrowType.Int(32, true));
    Field longs = Field.nullable("l", new ArrowType.Int(64, true));
    Field decimals = Field.nullable("d", new ArrowType.Decimal(38, 2, 128));
    Field strings = Field.nullable("s", new ArrowType.Utf8());
    try (IntVector i32 = (IntVector) ints.createVector(allocator);
        BigIntVector i64 = (BigIntVector) longs.createVector(allocator);
        DecimalVector dec = (DecimalVector) decimals.createVector(allocator);
        VarCharVector str = (VarCharVector) strings.createVector(allocator)) {
      decode(ints, start, step, i32);
      decode(longs, start, step, i64);
      decode(decimals, start, step, dec);
      decode(strings, start, step, str);
      for (int row = 0; row < 10; row++) {
        long expected = start + row * step;
        assertEquals((int) expected, i32.get(row));
        assertEquals(expected, i64.get(row));
        assertEquals(BigInteger.valueOf(expected), dec.getObject(row).unscaledValue());
        assertEquals(Long.toString(expected), str.getObject(row).toString());
      }
    }
  }

  private static void decode(Field field, long start, long step, FieldVector into) throws Exception {
    ByteBuffer chunk = arithChunk(PhysicalLayout.of(field.getType()), 10, null, start, step);
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"), chunk, field, DecodeLimits.defaults(), WHERE)) {
      decoder.decodeInto(0, 10, into);
    }
  }

  @Test
  void acceptsEveryKindOfByteBufferWithoutMovingIt() throws Exception {
    Field field = Field.nullable("c", new ArrowType.Int(64, true));
    ByteBuffer heap = arithChunk(PhysicalLayout.FIXED8, 100, null, START, STEP);
    ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining() + 3);
    direct.put(new byte[] {9, 9, 9}).put(heap.duplicate()).flip().position(3);
    ByteBuffer offsetHeap = ByteBuffer.allocate(heap.remaining() + 5);
    offsetHeap.position(5);
    offsetHeap.put(heap.duplicate()).flip().position(5);
    for (ByteBuffer chunk : List.of(heap, heap.asReadOnlyBuffer(), direct, direct.asReadOnlyBuffer(),
        offsetHeap.slice(), offsetHeap.asReadOnlyBuffer())) {
      int position = chunk.position();
      try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"), chunk, field, DecodeLimits.defaults(), WHERE);
          FieldVector vector = field.createVector(allocator)) {
        decoder.decodeInto(7, 50, vector);
        verify(vector, PhysicalLayout.FIXED8, null, 7, 50);
      }
      assertEquals(position, chunk.position());
    }
  }

  @Test
  void decodesFromAMappedFile(@TempDir Path dir) throws Exception {
    Field field = Field.nullable("c", new ArrowType.Utf8());
    ByteBuffer bytes = arithChunk(PhysicalLayout.VARIABLE, 1000, null, START, STEP);
    Path file = dir.resolve("chunk.bin");
    Files.write(file, new byte[] {1, 2, 3});
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(bytes.duplicate());
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 3, bytes.remaining());
      try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"), mapped, field, DecodeLimits.defaults(), WHERE);
          FieldVector vector = field.createVector(allocator)) {
        decoder.decodeInto(0, 1000, vector);
        verify(vector, PhysicalLayout.VARIABLE, null, 0, 1000);
      }
    }
  }

  @Test
  void decoderErrorsCarryTheLocationAndTheDecodersMessage() throws Exception {
    Field field = Field.nullable("c", new ArrowType.Int(32, true));
    ByteBuffer chunk = arithChunk(PhysicalLayout.FIXED4, 100, null, 0, 1);
    ByteBuffer truncated = chunk.duplicate().limit(chunk.limit() - 1);
    DecoderException open = assertThrows(DecoderException.class,
        () -> ChunkDecoder.open(compile("arith"), truncated, field, DecodeLimits.defaults(), WHERE));
    assertTrue(open.getMessage().startsWith(WHERE_TEXT), open.getMessage());
    assertTrue(open.getMessage().contains("capsule_open failed: arith: chunk length does not match its header"),
        open.getMessage());

    try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"), chunk, field, DecodeLimits.defaults(), WHERE);
        FieldVector vector = field.createVector(allocator)) {
      DecoderException decode = assertThrows(DecoderException.class, () -> decoder.decodeInto(90, 20, vector));
      assertTrue(decode.getMessage().startsWith(WHERE_TEXT), decode.getMessage());
      assertTrue(decode.getMessage().contains("arith: row range outside the chunk"), decode.getMessage());
      // SPEC 8.3: after an error the host calls the instance no more, even for a valid range.
      DecoderException again = assertThrows(DecoderException.class, () -> decoder.decodeInto(90, 10, vector));
      assertTrue(again.getMessage().contains("is unusable: capsule_decode failed earlier"), again.getMessage());
    }
  }

  @Test
  void refusesAVectorOfAnotherType() throws Exception {
    Field field = Field.nullable("c", new ArrowType.Int(32, true));
    Field other = Field.nullable("c", new ArrowType.Int(64, true));
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"),
            arithChunk(PhysicalLayout.FIXED4, 10, null, 0, 1), field, DecodeLimits.defaults(), WHERE);
        FieldVector vector = other.createVector(allocator)) {
      assertThrows(IllegalArgumentException.class, () -> decoder.decodeInto(0, 10, vector));
    }
  }

  @Test
  void doesNotOverwriteBuffersSomeoneElseHolds() throws Exception {
    Field field = Field.nullable("c", new ArrowType.Int(32, true));
    try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"),
            arithChunk(PhysicalLayout.FIXED4, 100, null, 0, 1), field, DecodeLimits.defaults(), WHERE);
        BufferAllocator other = allocator.newChildAllocator("consumer", 0, Long.MAX_VALUE);
        IntVector vector = (IntVector) field.createVector(allocator)) {
      decoder.decodeInto(0, 10, vector);
      ArrowBuf held = vector.getDataBuffer();
      held.getReferenceManager().retain();
      // A reference through another allocator does not show in this allocator's reference count.
      ArrowBuf heldElsewhere = held.getReferenceManager().retain(held, other);
      try {
        decoder.decodeInto(50, 10, vector);
        assertEquals(50, vector.get(0));
        assertEquals(0, held.getInt(0)); // the first batch is intact
        assertEquals(9, heldElsewhere.getInt(36));
      } finally {
        held.getReferenceManager().release();
        heldElsewhere.getReferenceManager().release();
      }
    }
  }

  @Test
  void vectorsFromAChildAllocatorOutliveTheDecoder() throws Exception {
    Field field = Field.nullable("c", new ArrowType.Utf8());
    try (BufferAllocator child = allocator.newChildAllocator("batches", 0, Long.MAX_VALUE);
        VarCharVector vector = (VarCharVector) field.createVector(child)) {
      try (ChunkDecoder decoder = ChunkDecoder.open(compile("arith"),
          arithChunk(PhysicalLayout.VARIABLE, 100, null, 0, 1), field, DecodeLimits.defaults(), WHERE)) {
        decoder.decodeInto(3, 20, vector);
      }
      assertEquals("22", vector.getObject(19).toString());
      assertTrue(child.getAllocatedMemory() > 0);
    }
  }
}
