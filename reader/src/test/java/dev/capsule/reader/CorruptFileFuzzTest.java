package dev.capsule.reader;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.FileLayout;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.Footer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded damage to the golden files: flipped bits, overwritten words, truncations. Reading a damaged
 * file either fails with a CapsuleFormatException that names the file, or (where the damage hit
 * bytes nothing depends on) succeeds; it never throws anything else, hangs or leaks a buffer.
 */
class CorruptFileFuzzTest {
  private static final int MUTATIONS_PER_FILE = 400;

  @TempDir Path dir;

  static java.util.stream.Stream<Path> goldenFiles() throws IOException {
    return GoldenFilesReadTest.goldenFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenFiles")
  void damageIsReportedAsAFormatError(Path golden) throws IOException {
    byte[] original = Files.readAllBytes(golden);
    Random random = new Random(golden.getFileName().toString().hashCode());
    Path damaged = dir.resolve("damaged.capsule");
    int failures = 0;
    for (int m = 0; m < MUTATIONS_PER_FILE; m++) {
      byte[] bytes = mutate(original, random);
      Files.write(damaged, bytes);
      try (BufferAllocator allocator = new RootAllocator()) {
        try (CapsuleReader reader = CapsuleReader.open(damaged);
            ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(7))) {
          while (batches.loadNextBatch()) {
            // read everything; the values are the golden test's business
          }
        } catch (CapsuleFormatException e) {
          failures++;
          assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
        } catch (Exception | Error e) {
          fail("mutation " + m + " of " + golden + " escaped as " + e, e);
        }
      } // closing the allocator fails the test if a buffer leaked
    }
    // Some footer damage is harmless (an informational name, a statistic's value), so not all fail.
    assertTrue(failures > MUTATIONS_PER_FILE / 2, "only " + failures + " mutations were detected");
  }

  private static byte[] mutate(byte[] original, Random random) {
    switch (random.nextInt(5)) {
      case 4:
        return damageChunkKeepingItsChecksum(original, random);
      case 3:
        return damageFooterKeepingItsChecksum(original, random);
      case 0: {
        byte[] bytes = original.clone();
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        return bytes;
      }
      case 1: {
        byte[] bytes = original.clone();
        int at = random.nextInt(bytes.length - 4);
        int value = random.nextBoolean() ? random.nextInt() : (random.nextBoolean() ? -1 : 0x7FFFFFFF);
        for (int k = 0; k < 4; k++) {
          bytes[at + k] = (byte) (value >>> (8 * k));
        }
        return bytes;
      }
      default:
        return Arrays.copyOf(original, random.nextInt(original.length));
    }
  }

  /**
   * Changes one to three bytes of a column chunk and rewrites the footer with the chunk's new
   * CRC-32C, so the damaged chunk reaches its decoder, which must refuse it (or decode it) cleanly.
   */
  private static byte[] damageChunkKeepingItsChecksum(byte[] original, Random random) {
    try {
      Footer.Builder footer = Footers.parse(original).toBuilder();
      int group = random.nextInt(footer.getRowGroupsCount());
      ColumnChunk.Builder chunk = footer.getRowGroupsBuilder(group)
          .getColumnsBuilder(random.nextInt(footer.getRowGroups(group).getColumnsCount()));
      byte[] body = original.clone();
      int offset = (int) chunk.getOffset();
      int length = (int) chunk.getLength();
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        int at = offset + random.nextInt(length);
        body[at] = random.nextBoolean() ? (byte) random.nextInt() : (byte) (body[at] ^ (1 << random.nextInt(8)));
      }
      CRC32C crc = new CRC32C();
      crc.update(body, offset, length);
      chunk.setCrc32C((int) crc.getValue());
      return Footers.replace(body, footer.build());
    } catch (IOException e) {
      throw new IllegalStateException("the golden footer does not parse", e);
    }
  }

  /**
   * Changes one to three footer bytes and recomputes the footer CRC, so the damage gets past the
   * checksum and must be caught by parsing and validating the footer's content.
   */
  private static byte[] damageFooterKeepingItsChecksum(byte[] original, Random random) {
    byte[] bytes = original.clone();
    ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int trailer = bytes.length - FileLayout.TRAILER_SIZE;
    int footerLength = le.getInt(trailer);
    int footer = trailer - footerLength;
    for (int k = 1 + random.nextInt(3); k > 0; k--) {
      int at = footer + random.nextInt(footerLength);
      bytes[at] = random.nextBoolean() ? (byte) random.nextInt() : (byte) (bytes[at] ^ (1 << random.nextInt(8)));
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, footer, footerLength);
    le.putInt(trailer + 4, (int) crc.getValue());
    return bytes;
  }
}
