package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.extension.OpaqueType;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.ExtensionTypeRegistry;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A column of an extension type is stored as its storage type and reads back as the extension type,
 * whatever that storage is: bits, fixed width or variable width (arrow.opaque over each).
 */
class ExtensionTypesTest {
  private static final int ROWS = 5_000;

  @TempDir Path dir;

  @BeforeAll
  static void registerOpaque() {
    // Arrow reads an extension type it has no registration for as its storage type.
    ExtensionTypeRegistry.register(new OpaqueType(new ArrowType.Null(), "any", "any"));
  }

  static Stream<ArrowType> storageTypes() {
    return Stream.of(new ArrowType.Utf8(), new ArrowType.Binary(), new ArrowType.Bool(), new ArrowType.Int(32, true));
  }

  @ParameterizedTest
  @MethodSource("storageTypes")
  void anOpaqueColumnRoundTrips(ArrowType storage) throws IOException {
    Field field = Field.nullable("c", new OpaqueType(storage, "test.type", "capsule"));
    Path file = dir.resolve("opaque.capsule");
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot source = VectorSchemaRoot.create(new Schema(List.of(field)), allocator)) {
      ExtensionTypeVector<?> vector = (ExtensionTypeVector<?>) source.getVector(0);
      fill(vector.getUnderlyingVector());
      source.setRowCount(ROWS);
      try (CapsuleWriter writer = CapsuleWriter.create(file, source.getSchema(), WriterOptions.defaults())) {
        writer.write(source);
      }
      try (CapsuleReader reader = CapsuleReader.open(file);
          ArrowReader batches = reader.scan(allocator, ScanOptions.all())) {
        assertEquals(field, batches.getVectorSchemaRoot().getSchema().getFields().get(0));
        int row = 0;
        while (batches.loadNextBatch()) {
          FieldVector decoded = batches.getVectorSchemaRoot().getVector(0);
          DecodedAssert.assertSameAsSource(vector, row, decoded, storage.toString());
          row += decoded.getValueCount();
        }
        assertEquals(ROWS, row);
      }
    }
  }

  /** Every seventh row null, the rest varied enough that no encoding has it too easy. */
  private static void fill(FieldVector vector) {
    vector.setInitialCapacity(ROWS);
    vector.allocateNew();
    for (int i = 0; i < ROWS; i++) {
      if (i % 7 == 3) {
        vector.setNull(i);
      } else if (vector instanceof VarCharVector strings) {
        strings.setSafe(i, ("value é " + (i * 31 % 977)).getBytes(StandardCharsets.UTF_8));
      } else if (vector instanceof VarBinaryVector bytes) {
        bytes.setSafe(i, new byte[] {(byte) i, (byte) 0xff, (byte) (i >> 8)});
      } else if (vector instanceof BitVector bits) {
        bits.set(i, (i / 3) % 2);
      } else {
        ((IntVector) vector).set(i, i * 7919 % 100_003 - 50_000);
      }
    }
    vector.setValueCount(ROWS);
    assertFalse(vector.getNullCount() == 0);
  }
}
