package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.proto.RowGroup;
import dev.capsule.reader.CapsuleReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On data made for an encoding, the file writer picks that encoding, chunk after chunk. */
class EncodingChoiceTest {
  @TempDir Path dir;

  @Test
  void eachColumnGetsTheEncodingItsDataWasMadeFor() throws IOException {
    int rows = 50_000;
    Random random = new Random(7);
    Path file = dir.resolve("choice.capsule");
    try (BufferAllocator allocator = new RootAllocator();
        IntVector runs = new IntVector(field("long_runs", new ArrowType.Int(32, true)), allocator);
        BigIntVector narrow = new BigIntVector(field("narrow_range", new ArrowType.Int(64, true)), allocator);
        VarCharVector fewStrings = new VarCharVector(field("few_strings", ArrowType.Utf8.INSTANCE), allocator);
        Float8Vector noise = new Float8Vector(field("random_doubles",
            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), allocator)) {
      String[] modes = {"AIR", "MAIL", "RAIL", "SHIP", "TRUCK"};
      for (int i = 0; i < rows; i++) {
        runs.setSafe(i, i / 5_000);
        narrow.setSafe(i, 1_700_000_000_000L + random.nextInt(1 << 12));
        fewStrings.setSafe(i, modes[random.nextInt(modes.length)].getBytes(StandardCharsets.UTF_8));
        noise.setSafe(i, random.nextDouble());
      }
      List<FieldVector> vectors = List.of(runs, narrow, fewStrings, noise);
      vectors.forEach(v -> v.setValueCount(rows));
      VectorSchemaRoot root = new VectorSchemaRoot(vectors);
      root.setRowCount(rows);
      try (CapsuleWriter writer = CapsuleWriter.create(file, root.getSchema(),
          WriterOptions.builder().rowGroupRows(20_000).build())) {
        writer.write(root);
      }
    }
    try (CapsuleReader reader = CapsuleReader.open(file)) {
      List<RowGroup> groups = reader.metadata().footer().getRowGroupsList();
      assertEquals(3, groups.size());
      for (RowGroup group : groups) {
        assertEquals("capsule.ree", group.getColumns(0).getEncoding());
        assertEquals("capsule.bitpack", group.getColumns(1).getEncoding());
        assertEquals("capsule.dict", group.getColumns(2).getEncoding());
        assertEquals("capsule.plain", group.getColumns(3).getEncoding());
      }
      assertEquals(4, reader.metadata().footer().getDecodersCount(), "each module once, whatever the chunk count");
    }
  }

  private static Field field(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  @Test
  void theByteBoundSplitsRowGroupsEvenWithinOneBatch() throws IOException {
    int rows = 100_000;
    Path file = dir.resolve("bounded.capsule");
    byte[] value = new byte[100];
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector text = new VarCharVector(field("text", ArrowType.Utf8.INSTANCE), allocator)) {
      Random random = new Random(3);
      for (int i = 0; i < rows; i++) {
        for (int k = 0; k < value.length; k++) {
          value[k] = (byte) ('a' + random.nextInt(26));
        }
        text.setSafe(i, value);
      }
      text.setValueCount(rows);
      VectorSchemaRoot root = new VectorSchemaRoot(List.of(text));
      root.setRowCount(rows);
      try (CapsuleWriter writer = CapsuleWriter.create(file, root.getSchema(),
          WriterOptions.builder().maxRowGroupBytes(1 << 20).build())) {
        writer.write(root); // one batch of about 10 MB
      }
    }
    try (CapsuleReader reader = CapsuleReader.open(file)) {
      List<RowGroup> groups = reader.metadata().footer().getRowGroupsList();
      assertTrue(groups.size() >= 9, "only " + groups.size() + " row groups");
      for (RowGroup group : groups) {
        long bytes = group.getColumns(0).getLength();
        assertTrue(bytes < (1 << 20) + 4096 * 110, "a chunk of " + bytes + " bytes");
      }
      assertEquals(rows, reader.rowCount());
    }
  }
}
