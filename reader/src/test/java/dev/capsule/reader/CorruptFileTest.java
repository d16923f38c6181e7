package dev.capsule.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.DecoderModule;
import dev.capsule.format.proto.Footer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged copies of a golden file fail with an error that says where, and leak nothing. */
class CorruptFileTest {
  private static final Path GOLDEN = GoldenFilesReadTest.GOLDEN.resolve("ints-ree.capsule");

  @TempDir Path dir;

  @Test
  void aFlippedChunkByteFailsItsChecksumAndNamesTheChunk() throws IOException {
    ColumnChunk chunk;
    try (CapsuleReader reader = CapsuleReader.open(GOLDEN)) {
      chunk = reader.metadata().rowGroup(0).getColumns(0);
    }
    Path damaged = damage(bytes -> bytes[(int) chunk.getOffset() + 9] ^= 0x40);
    String message = scanFailure(damaged);
    assertContains(message, "checksum mismatch");
    assertContains(message, "row group 0");
    assertContains(message, "column 'x'");
    assertContains(message, "byte offset " + chunk.getOffset());
  }

  @Test
  void aFlippedDecoderByteFailsItsSha256() throws IOException {
    DecoderModule module;
    try (CapsuleReader reader = CapsuleReader.open(GOLDEN)) {
      module = reader.metadata().footer().getDecoders(0);
    }
    Path damaged = damage(bytes -> bytes[(int) module.getOffset() + 100] ^= 1);
    String message = scanFailure(damaged);
    assertContains(message, "SHA-256");
    assertContains(message, "byte offset " + module.getOffset());
  }

  /** SPEC 8.3: capsule_abi must return the version the footer declares, either way round. */
  @Test
  void aModuleWhoseAbiIsNotTheDeclaredOneIsRefused() throws IOException {
    // The ree module implements v3, the plain module v2.
    Object[][] cases = {{"ints-ree.capsule", "capsule.ree", 2, "implements ABI version 3, the footer declares version 2"},
        {"all-types.capsule", "capsule.plain", 1, "implements ABI version 2, the footer declares version 1"}};
    for (Object[] c : cases) {
      Path golden = GoldenFilesReadTest.GOLDEN.resolve((String) c[0]);
      int misstatedAs = (int) c[2];
      byte[] bytes = Files.readAllBytes(golden);
      Footer footer = Footers.parse(bytes);
      int m = 0;
      while (!footer.getDecoders(m).getName().equals(c[1])) {
        m++;
      }
      Footer misstated = footer.toBuilder()
          .setDecoders(m, footer.getDecoders(m).toBuilder().setAbiVersion(misstatedAs)).build();
      Path damaged = dir.resolve("misstated-" + c[0]);
      Files.write(damaged, Footers.replace(bytes, misstated));
      String message = scanFailure(damaged);
      assertContains(message, (String) c[3]);
      assertContains(message, "row group 0");
    }
  }

  @Test
  void aTruncatedFileIsNotACapsuleFile() throws IOException {
    byte[] bytes = Files.readAllBytes(GOLDEN);
    for (int keep : new int[] {0, 7, 20, bytes.length / 2, bytes.length - 1}) {
      Path truncated = dir.resolve("truncated-" + keep + ".capsule");
      Files.write(truncated, Arrays.copyOf(bytes, keep));
      CapsuleFormatException e = assertThrows(CapsuleFormatException.class, () -> CapsuleReader.open(truncated).close());
      assertContains(e.getMessage(), truncated.toString());
    }
  }

  @Test
  void aFileTruncatedUnderAnOpenReaderFailsCleanly() throws IOException {
    Path copy = dir.resolve("shrinking.capsule");
    Files.copy(GOLDEN, copy);
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(copy)) {
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(copy,
          java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(20); // inside the first chunk, which starts at byte 8
      }
      CapsuleFormatException e = assertThrows(CapsuleFormatException.class, () -> {
        try (ArrowReader batches = reader.scan(allocator, ScanOptions.all())) {
          batches.loadNextBatch();
        }
      });
      // The decoder module, read first, already lies past the new end of the file.
      assertContains(e.getMessage(), "the file ends before");
      assertContains(e.getMessage(), copy.toString());
    }
  }

  @Test
  void aChunkCutOffUnderAnOpenReaderFailsCleanly() throws IOException {
    Path copy = dir.resolve("shrinking-later.capsule");
    Files.copy(GoldenFilesReadTest.GOLDEN.resolve("all-types.capsule"), copy);
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(copy);
        ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(8))) {
      batches.loadNextBatch(); // row group 0: every decoder module is now read and compiled
      long secondGroup = reader.metadata().rowGroup(1).getColumns(0).getOffset();
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(copy,
          java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(secondGroup + 3);
      }
      CapsuleFormatException e = assertThrows(CapsuleFormatException.class, batches::loadNextBatch);
      assertContains(e.getMessage(), "file ends inside the column chunk");
      assertContains(e.getMessage(), "row group 1");
    }
  }

  @Test
  void aMissingFileSaysSo() {
    Path missing = dir.resolve("nope.capsule");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> CapsuleReader.open(missing));
    assertContains(e.getMessage(), "nope.capsule");
  }

  private interface Mutation {
    void apply(byte[] bytes);
  }

  private Path damage(Mutation mutation) throws IOException {
    byte[] bytes = Files.readAllBytes(GOLDEN);
    mutation.apply(bytes);
    Path damaged = dir.resolve("damaged.capsule");
    Files.write(damaged, bytes);
    return damaged;
  }

  private static String scanFailure(Path file) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(file)) {
      CapsuleFormatException e = assertThrows(CapsuleFormatException.class, () -> {
        try (ArrowReader batches = reader.scan(allocator, ScanOptions.all())) {
          while (batches.loadNextBatch()) {
            // keep reading until the damage is found
          }
        }
      });
      assertContains(e.getMessage(), file.toString());
      return e.getMessage();
    }
  }

  private static void assertContains(String message, String expected) {
    assertTrue(message.contains(expected), () -> "'" + message + "' lacks '" + expected + "'");
  }
}
