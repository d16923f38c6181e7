package dev.capsule.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.writer.TestColumns.Nulls;
import dev.capsule.writer.encoding.ColumnAnalysis;
import dev.capsule.writer.encoding.Encoding;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A write that fails, is aborted or is killed leaves nothing at the target path. */
class AtomicWriteTest {
  @TempDir Path dir;

  /** An encoding that claims every chunk and fails to encode it, as a buggy plug-in would. */
  private static final Encoding FAILING = new Encoding() {
    @Override public String name() { return "test.failing"; }
    @Override public String decoderModule() { return "failing"; }
    @Override public byte[] decoderModuleBytes() { return new byte[0]; }
    @Override public boolean supports(ColumnAnalysis analysis) { return true; }
    @Override public long estimateSize(ColumnAnalysis analysis) { return 0; }
    @Override public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
      throw new IllegalStateException("encoder failed on purpose");
    }
  };

  @Test
  void aFailingEncoderLeavesNoFileAndKeepsTheOldOne() throws IOException {
    Path target = dir.resolve("out.capsule");
    Files.writeString(target, "previous content");
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector vector = TestColumns.vector(TestColumns.TYPES.get(3), 100, Nulls.SOME, 1, allocator);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector))) {
      root.setRowCount(100);
      WriterOptions options = WriterOptions.builder().rowGroupRows(10)
          .extraEncodings(List.of(FAILING)).forceEncoding("c", "test.failing").build();
      CapsuleWriter writer = CapsuleWriter.create(target, root.getSchema(), options);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.write(root));
      assertEquals("encoder failed on purpose", e.getMessage());
      writer.close(); // closing a failed writer commits nothing
    }
    assertEquals("previous content", Files.readString(target));
    assertEquals(List.of(target), listDir());
  }

  /** An encoder that runs out of memory: an Error, not an exception, so easy to let slip past a catch. */
  private static final Encoding OUT_OF_MEMORY = new Encoding() {
    @Override public String name() { return "test.oom"; }
    @Override public String decoderModule() { return "oom"; }
    @Override public byte[] decoderModuleBytes() { return new byte[0]; }
    @Override public boolean supports(ColumnAnalysis analysis) { return true; }
    @Override public long estimateSize(ColumnAnalysis analysis) { return 0; }
    @Override public byte[] encode(ColumnValues values, ColumnAnalysis analysis) {
      throw new OutOfMemoryError("encoder ran out of memory on purpose");
    }
  };

  /**
   * An Error while encoding a row group loses that row group's rows (the buffers were drained), so the
   * writer must be aborted: closing it afterwards must not publish a file with the rows missing.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void anErrorWhileEncodingAbortsTheWriteSoCloseCannotPublishAFileWithRowsMissing(int threads) throws IOException {
    Path target = dir.resolve("out.capsule");
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector first = TestColumns.vector(TestColumns.TYPES.get(3), "a", 100, Nulls.SOME, 1, allocator);
        FieldVector second = TestColumns.vector(TestColumns.TYPES.get(3), "b", 100, Nulls.SOME, 2, allocator);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(first, second))) {
      root.setRowCount(100);
      WriterOptions options = WriterOptions.builder().rowGroupRows(10).encodeThreads(threads)
          .extraEncodings(List.of(OUT_OF_MEMORY)).forceEncoding("b", "test.oom").build();
      CapsuleWriter writer = CapsuleWriter.create(target, root.getSchema(), options);
      OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> writer.write(root));
      assertEquals("encoder ran out of memory on purpose", e.getMessage());
      writer.close();
    }
    assertEquals(List.of(), listDir());
  }

  @Test
  void aBatchWithAnotherSchemaIsRefusedAndNothingIsWritten() throws IOException {
    Path target = dir.resolve("out.capsule");
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector ints = TestColumns.vector(TestColumns.TYPES.get(3), 10, Nulls.NONE, 1, allocator);
        FieldVector strings = TestColumns.vector(TestColumns.TYPES.get(8), 10, Nulls.NONE, 1, allocator);
        VectorSchemaRoot intRoot = new VectorSchemaRoot(List.of(ints));
        VectorSchemaRoot stringRoot = new VectorSchemaRoot(List.of(strings))) {
      intRoot.setRowCount(10);
      stringRoot.setRowCount(10);
      CapsuleWriter writer = CapsuleWriter.create(target, intRoot.getSchema(), WriterOptions.defaults());
      writer.write(intRoot);
      assertThrows(IllegalArgumentException.class, () -> writer.write(stringRoot));
      assertThrows(IllegalStateException.class, () -> writer.write(intRoot));
    }
    assertEquals(List.of(), listDir());
  }

  @Test
  void unknownForcedEncodingsAndColumnsFailBeforeAnyByteIsWritten() {
    Schema schema = new Schema(List.of(TestColumns.TYPES.get(3).field("c")));
    Path target = dir.resolve("out.capsule");
    IllegalArgumentException unknownEncoding = assertThrows(IllegalArgumentException.class, () ->
        CapsuleWriter.create(target, schema, WriterOptions.builder().forceEncoding("c", "capsule.zstd").build()));
    assertTrue(unknownEncoding.getMessage().contains("capsule.zstd"), unknownEncoding.getMessage());
    IllegalArgumentException unknownColumn = assertThrows(IllegalArgumentException.class, () ->
        CapsuleWriter.create(target, schema, WriterOptions.builder().forceEncoding("d", "capsule.plain").build()));
    assertTrue(unknownColumn.getMessage().contains("'d'"), unknownColumn.getMessage());
    assertFalse(Files.exists(target));
  }

  @Test
  void anEmptySchemaIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> CapsuleWriter.create(dir.resolve("empty.capsule"), new Schema(List.of()), WriterOptions.defaults()));
    assertFalse(Files.exists(dir.resolve("empty.capsule")));
  }

  @Test
  void aWriterKilledMidFileLeavesNothingAtTheTarget() throws Exception {
    Path target = dir.resolve("killed.capsule");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), SlowWriterMain.class.getName(), target.toString())
        .redirectErrorStream(true)
        .start();
    try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = output.readLine();
      } while (line != null && !line.equals(SlowWriterMain.READY));
      assertEquals(SlowWriterMain.READY, line, "the writer process never reached the middle of its file");
      process.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }
    assertFalse(Files.exists(target), "a killed writer left a file at the target path");
    for (Path leftover : listDir()) {
      assertTrue(leftover.getFileName().toString().endsWith(".tmp"), "unexpected file " + leftover);
    }
  }

  @Test
  void aClosedWriterHasMovedACompleteFileIntoPlace() throws IOException {
    Path target = dir.resolve("ok.capsule");
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector vector = TestColumns.vector(TestColumns.TYPES.get(4), 50, Nulls.SOME, 3, allocator);
        VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector))) {
      root.setRowCount(50);
      try (CapsuleWriter writer = CapsuleWriter.create(target, root.getSchema(), WriterOptions.defaults())) {
        writer.write(root);
      }
    }
    assertEquals(List.of(target), listDir());
    byte[] bytes = Files.readAllBytes(target);
    assertArrayEquals("CAPS".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length));
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}
