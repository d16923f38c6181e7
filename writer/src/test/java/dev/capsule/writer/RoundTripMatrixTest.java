package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.decoders.reference.ReferenceDecoder;
import dev.capsule.writer.encoding.Encodings;
import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.FileMetadata;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.writer.TestColumns.Nulls;
import dev.capsule.writer.TestColumns.TestType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every type × every encoding that applies × null pattern × batch shape: written with the encoding
 * forced, read back through the wasm decoders stored in the file, and compared with both the
 * source values and the plain-Java reference decoder of the same chunk bytes. Besides the built-in
 * encodings, capsule.parquet chunks as other Parquet writers make them ({@link
 * ForeignParquetEncoding}: FLOAT, DOUBLE, INT96 and FIXED_LEN_BYTE_ARRAY of every width, v1 and v2
 * data pages) go through the same checks.
 */
class RoundTripMatrixTest {
  private static final int ROWS = 700;
  private static final int ROW_GROUP = 256;

  @TempDir Path dir;

  /** The foreign capsule.parquet variants and the types they are tried on. */
  private static final List<String> FOREIGN_PARQUET = List.of("parquet-v1", "parquet-v2");
  private static final List<String> FOREIGN_PARQUET_TYPES = List.of("bool", "int8", "int16", "int32", "int64",
      "float32", "float64", "utf8", "binary", "float16", "interval_dt", "decimal128", "fixed3", "fixed12");
  private static final TestType FIXED12 = new TestType("fixed12", new ArrowType.FixedSizeBinary(12), false);

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    List<TestType> types = new ArrayList<>(TestColumns.TYPES);
    types.add(FIXED12);
    for (TestType type : types) {
      if (FOREIGN_PARQUET_TYPES.contains(type.name())) {
        for (String encoding : FOREIGN_PARQUET) {
          for (Nulls nulls : Nulls.values()) {
            cases.add(Arguments.of(type, encoding, nulls));
          }
        }
      }
    }
    for (TestType type : TestColumns.TYPES) {
      for (String encoding : List.of("plain", "ree", "bitpack", "dict", "parquet")) {
        boolean applies = switch (encoding) {
          case "bitpack" -> type.integer();
          case "dict" -> !type.name().equals("bool");
          default -> true;
        };
        if (applies) {
          for (Nulls nulls : Nulls.values()) {
            cases.add(Arguments.of(type, encoding, nulls));
          }
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} nulls={2}")
  @MethodSource("cases")
  void roundTrips(TestType type, String encoding, Nulls nulls) throws IOException {
    Path file = dir.resolve(type + "-" + encoding + "-" + nulls + ".capsule");
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector source = TestColumns.vector(type, ROWS, nulls, type.name().hashCode() * 31L + nulls.ordinal(), allocator)) {
      Schema schema = new Schema(List.of(source.getField()));
      // Not closed: closing a root closes its vectors, and the source is needed for comparisons.
      VectorSchemaRoot root = new VectorSchemaRoot(List.of(source));
      root.setRowCount(ROWS);
      boolean foreign = FOREIGN_PARQUET.contains(encoding);
      boolean floats = type.arrow() instanceof ArrowType.FloatingPoint fp && fp.getPrecision() != FloatingPointPrecision.HALF;
      ForeignParquetEncoding foreignEncoding = new ForeignParquetEncoding(encoding.equals("parquet-v2"), floats);
      String encodingName = foreign ? foreignEncoding.name() : "capsule." + encoding;
      try (CapsuleWriter writer = CapsuleWriter.create(file, schema, WriterOptions.builder()
          .rowGroupRows(ROW_GROUP).extraEncodings(foreign ? List.of(foreignEncoding) : List.of())
          .forceEncoding("c", encodingName).build())) {
        writer.write(root);
      }
      try (CapsuleReader reader = CapsuleReader.open(file)) {
        FileMetadata metadata = reader.metadata();
        for (int g = 0; g < metadata.rowGroupCount(); g++) {
          assertEquals(encodingName, metadata.rowGroup(g).getColumns(0).getEncoding());
        }
        if (foreign) { // the chunks hold what the variant promises
          assertEquals(physicalCode(foreignEncoding, source), chunk(file, metadata, 0)[8], "physical type");
        }
        Checker checker = new Checker(file, metadata, source, ValueKind.of(type.arrow()),
            foreign ? foreignEncoding.decoderModule() : encoding);
        checker.scan(reader, allocator, 0, ROWS, ROWS, "whole");
        for (int batch = 1; batch <= 12; batch++) {
          checker.scan(reader, allocator, 0, ROWS, batch, "batches of " + batch);
        }
        for (int batch = 31; batch <= 33; batch++) {
          checker.scan(reader, allocator, 0, ROWS, batch, "batches of " + batch);
        }
        checker.scan(reader, allocator, 0, ROWS, 1024, "batches of 1024");
        Random random = new Random(42);
        for (int k = 0; k < 10; k++) {
          int first = random.nextInt(ROWS);
          int count = 1 + random.nextInt(ROWS - first);
          int batch = 1 + random.nextInt(300);
          checker.scan(reader, allocator, first, count, batch, "skip " + first + " read " + count + " by " + batch);
        }
      }
    }
  }

  /** Scans a row range and checks every batch against the source and the reference decoder. */
  private static final class Checker {
    private final Path file;
    private final FileMetadata metadata;
    private final FieldVector source;
    private final ValueKind kind;
    private final ReferenceDecoder reference;

    Checker(Path file, FileMetadata metadata, FieldVector source, ValueKind kind, String module) {
      this.file = file;
      this.metadata = metadata;
      this.source = source;
      this.kind = kind;
      this.reference = Encodings.referenceDecoder(module);
    }

    void scan(CapsuleReader reader, BufferAllocator allocator, int first, int count, int batchRows, String shape)
        throws IOException {
      ScanOptions options = ScanOptions.all().withRows(first, count).withBatchRows(batchRows);
      int row = first;
      try (ArrowReader batches = reader.scan(allocator, options)) {
        while (batches.loadNextBatch()) {
          FieldVector decoded = batches.getVectorSchemaRoot().getVector(0);
          String context = shape + ", batch at row " + row;
          int group = row / ROW_GROUP;
          ColumnValues expected = reference.decode(chunk(group), kind, row - group * ROW_GROUP, decoded.getValueCount());
          DecodedAssert.assertSameAsReference(expected, decoded, context);
          DecodedAssert.assertSameAsSource(source, row, decoded, context);
          row += decoded.getValueCount();
        }
      }
      assertEquals(first + count, row, shape + ": rows read");
    }

    private byte[] chunk(int group) throws IOException {
      return RoundTripMatrixTest.chunk(file, metadata, group);
    }
  }

  /** The bytes of the column chunk of a row group. */
  private static byte[] chunk(Path file, FileMetadata metadata, int group) throws IOException {
    ColumnChunk chunk = metadata.rowGroup(group).getColumns(0);
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer bytes = ByteBuffer.allocate((int) chunk.getLength());
      channel.read(bytes, chunk.getOffset());
      return bytes.array();
    }
  }

  /** The Parquet physical type code a foreign chunk of the column should carry. */
  private static byte physicalCode(ForeignParquetEncoding encoding, FieldVector source) {
    PrimitiveTypeName type = encoding.physicalType(PhysicalLayout.of(source.getField().getType()));
    return (byte) List.of(PrimitiveTypeName.BOOLEAN, PrimitiveTypeName.INT32, PrimitiveTypeName.INT64,
        PrimitiveTypeName.INT96, PrimitiveTypeName.FLOAT, PrimitiveTypeName.DOUBLE, PrimitiveTypeName.BINARY,
        PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).indexOf(type);
  }
}
