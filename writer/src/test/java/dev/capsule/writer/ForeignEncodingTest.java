package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.Checksums;
import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.format.proto.Footer;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.writer.encoding.ColumnAnalysis;
import dev.capsule.writer.encoding.Encoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader knows no encoding: a file written with "test.arith", an encoding that exists only in
 * this test and whose decoder module is a test resource of the reader module (built from
 * reader/src/test/c/arith.c), reads back correctly through the ordinary reader.
 */
class ForeignEncodingTest {
  private static final Path ARITH_WASM = Path.of("../reader/src/test/resources/wasm/arith.wasm");

  @TempDir Path dir;

  /** Row i holds start + i * step; the chunk is the standard header plus start and step. */
  private static final class ArithEncoding implements Encoding {
    private final String moduleName;

    ArithEncoding(String moduleName) {
      this.moduleName = moduleName;
    }

    @Override public String name() { return "test.arith"; }
    @Override public String decoderModule() { return moduleName; }

    @Override public byte[] decoderModuleBytes() {
      try {
        return Files.readAllBytes(ARITH_WASM);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override public boolean supports(ColumnAnalysis analysis) {
      return analysis.layout() == PhysicalLayout.FIXED8 && analysis.nullCount() == 0;
    }

    @Override public long estimateSize(ColumnAnalysis analysis) {
      return 24;
    }

    @Override public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
      ByteBuffer in = ByteBuffer.wrap(values.data()).order(ByteOrder.LITTLE_ENDIAN);
      long start = values.rowCount() > 0 ? in.getLong(0) : 0;
      long step = values.rowCount() > 1 ? in.getLong(8) - start : 0;
      for (int i = 0; i < values.rowCount(); i++) {
        if (in.getLong(i * 8) != start + i * step) {
          throw new IllegalArgumentException("not an arithmetic sequence at row " + i);
        }
      }
      return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
          .putInt(values.rowCount()).put((byte) PhysicalLayout.FIXED8.code()).put((byte) 0).putShort((short) 0)
          .putLong(start).putLong(step).array();
    }
  }

  @Test
  void aFileWithAnEncodingTheProjectNeverShippedReadsBack() throws IOException {
    Path file = dir.resolve("arith.capsule");
    int rows = 100_000;
    Field field = new Field("n", FieldType.notNullable(new ArrowType.Int(64, true)), null);
    try (BufferAllocator allocator = new RootAllocator()) {
      try (BigIntVector source = new BigIntVector(field, allocator)) {
        source.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
          source.set(i, 1_000_000_000_000L - 7L * i);
        }
        source.setValueCount(rows);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(source));
        root.setRowCount(rows);
        try (CapsuleWriter writer = CapsuleWriter.create(file, root.getSchema(), WriterOptions.builder()
            .rowGroupRows(30_000).extraEncodings(List.of(new ArithEncoding("test-arith"))).build())) {
          writer.write(root);
        }
      }

      try (CapsuleReader reader = CapsuleReader.open(file);
          ArrowReader batches = reader.scan(allocator, ScanOptions.all().withRows(12_345, 70_000).withBatchRows(9_999))) {
        Footer footer = reader.metadata().footer();
        assertEquals(1, footer.getDecodersCount(), "only the foreign module is stored");
        assertEquals("test-arith", footer.getDecoders(0).getName());
        assertArrayEquals(Checksums.sha256(Files.readAllBytes(ARITH_WASM)), footer.getDecoders(0).getSha256().toByteArray());
        footer.getRowGroupsList().forEach(g -> assertEquals("test.arith", g.getColumns(0).getEncoding()));
        long row = 12_345;
        while (batches.loadNextBatch()) {
          BigIntVector decoded = (BigIntVector) batches.getVectorSchemaRoot().getVector(0);
          for (int i = 0; i < decoded.getValueCount(); i++, row++) {
            assertFalse(decoded.isNull(i));
            assertEquals(1_000_000_000_000L - 7L * row, decoded.get(i), "row " + row);
          }
        }
        assertEquals(12_345 + 70_000, row);
      }
    }
  }

  @Test
  void modulesAreToldApartByTheirBytesNotTheirNames() throws IOException {
    Path file = dir.resolve("names.capsule");
    int rows = 1000;
    try (BufferAllocator allocator = new RootAllocator()) {
      try (BigIntVector sequence = new BigIntVector(new Field("n", FieldType.notNullable(new ArrowType.Int(64, true)), null), allocator);
          BigIntVector noise = new BigIntVector(new Field("r", FieldType.notNullable(new ArrowType.Int(64, true)), null), allocator)) {
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < rows; i++) {
          sequence.setSafe(i, 3L * i);
          noise.setSafe(i, random.nextLong());
        }
        sequence.setValueCount(rows);
        noise.setValueCount(rows);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(noise, sequence));
        root.setRowCount(rows);
        // The foreign encoding claims the module name of the shipped plain decoder.
        try (CapsuleWriter writer = CapsuleWriter.create(file, root.getSchema(), WriterOptions.builder()
            .extraEncodings(List.of(new ArithEncoding("plain")))
            .forceEncoding("r", "capsule.plain").forceEncoding("n", "test.arith").build())) {
          writer.write(root);
        }
      }
      try (CapsuleReader reader = CapsuleReader.open(file);
          ArrowReader batches = reader.scan(allocator, ScanOptions.all())) {
        Footer footer = reader.metadata().footer();
        assertEquals("capsule.plain", footer.getRowGroups(0).getColumns(0).getEncoding());
        assertEquals("test.arith", footer.getRowGroups(0).getColumns(1).getEncoding());
        assertEquals(2, footer.getDecodersCount(), "two different modules, whatever their names");
        assertTrue(batches.loadNextBatch());
        BigIntVector decoded = (BigIntVector) batches.getVectorSchemaRoot().getVector(1);
        for (int i = 0; i < rows; i++) {
          assertEquals(3L * i, decoded.get(i));
        }
      }
    }
  }
}
