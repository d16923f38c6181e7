package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.format.proto.DecoderModule;
import dev.capsule.format.proto.Footer;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampNanoVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header and footer say the lowest minor version the file needs (SPEC 12): 1.1 for its types,
 * 1.2 for a decoder module of ABI v2 (capsule.plain's), 1.3 for one of ABI v3 (capsule.ree's and
 * capsule.dict's), which is only known once the encodings are chosen, so the header is rewritten at
 * close. The footer declares each module's ABI.
 */
class FormatVersionTest {
  private static final int ROWS = 50;

  @TempDir Path dir;

  @Test
  void aFileOfFormat10TypesAndAbiV1ModulesIs10() throws IOException {
    assertVersion(write("ints", "capsule.bitpack", allocator -> ints(allocator)), 0, Map.of("capsule.bitpack", 1));
  }

  @Test
  void aType11MakesIt11() throws IOException {
    assertVersion(write("nanos", "capsule.bitpack", allocator -> nanos(allocator)), 1, Map.of("capsule.bitpack", 1));
  }

  @Test
  void thePlainModuleMakesIt12AndReadsBackFromAnyRow() throws IOException {
    Path file = write("strings", "capsule.plain", allocator -> strings(allocator));
    assertVersion(file, 2, Map.of("capsule.plain", 2));
    // Batches of 7 rows: every batch but the first has offsets that do not start at 0.
    assertEquals(expectedStrings(), readStrings(file, 7));
  }

  /**
   * ree's strings come in run-end form; dict's in dictionary form for batches of at least its 20
   * entries, else gathered by the decoder (SPEC 8.7).
   */
  @Test
  void theReeAndDictModulesMakeIt13AndReadBackInEveryForm() throws IOException {
    for (String encoding : List.of("capsule.ree", "capsule.dict")) {
      Path file = write(encoding, encoding, allocator -> strings(allocator));
      assertVersion(file, 3, Map.of(encoding, 3));
      for (int batchRows : new int[] {7, ROWS}) {
        assertEquals(expectedStrings(), readStrings(file, batchRows), encoding + ", batches of " + batchRows);
      }
    }
  }

  private static List<String> readStrings(Path file, int batchRows) throws IOException {
    List<String> read = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(file);
        ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(batchRows))) {
      while (batches.loadNextBatch()) {
        VarCharVector v = (VarCharVector) batches.getVectorSchemaRoot().getVector(0);
        assertEquals(0, v.getOffsetBuffer().getInt(0), "Arrow offsets start at 0");
        for (int i = 0; i < v.getValueCount(); i++) {
          read.add(v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8));
        }
      }
    }
    return read;
  }

  private static void assertVersion(Path file, int minor, Map<String, Integer> abiByModule) throws IOException {
    assertEquals(minor, Files.readAllBytes(file)[5], "header minor version");
    try (CapsuleReader reader = CapsuleReader.open(file)) {
      Footer footer = reader.metadata().footer();
      assertEquals(minor, footer.getFormatMinor(), "footer minor version");
      Map<String, Integer> declared = new TreeMap<>();
      for (DecoderModule module : footer.getDecodersList()) {
        declared.put(module.getName(), module.getAbiVersion());
      }
      assertEquals(new TreeMap<>(abiByModule), declared);
    }
  }

  private interface Column {
    FieldVector create(BufferAllocator allocator);
  }

  private Path write(String name, String encoding, Column column) throws IOException {
    Path file = dir.resolve(name + ".capsule");
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector vector = column.create(allocator)) {
      vector.setValueCount(ROWS);
      VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector));
      root.setRowCount(ROWS);
      WriterOptions options = WriterOptions.builder().forceEncoding(vector.getName(), encoding).build();
      try (CapsuleWriter writer = CapsuleWriter.create(file, root.getSchema(), options)) {
        writer.write(root);
      }
    }
    return file;
  }

  private static FieldVector ints(BufferAllocator allocator) {
    IntVector v = new IntVector("x", allocator);
    v.allocateNew(ROWS);
    for (int i = 0; i < ROWS; i++) {
      v.set(i, i / 10);
    }
    return v;
  }

  private static FieldVector nanos(BufferAllocator allocator) {
    TimeStampNanoVector v = new TimeStampNanoVector("t", allocator);
    v.allocateNew(ROWS);
    for (int i = 0; i < ROWS; i++) {
      v.set(i, 1_700_000_000_000_000_000L + i);
    }
    return v;
  }

  private static FieldVector strings(BufferAllocator allocator) {
    VarCharVector v = new VarCharVector("s", allocator);
    v.allocateNew();
    List<String> values = expectedStrings();
    for (int i = 0; i < ROWS; i++) {
      if (values.get(i) == null) {
        v.setNull(i);
      } else {
        v.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
      }
    }
    return v;
  }

  /** Values of varied lengths, empty ones, multi-byte characters and nulls. */
  private static List<String> expectedStrings() {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      values.add(i % 9 == 4 ? null : "é".repeat(i % 4) + "x".repeat(i % 5));
    }
    return values;
  }
}
