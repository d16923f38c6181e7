package dev.capsule.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.DecoderModule;
import dev.capsule.format.proto.Footer;
import dev.capsule.format.proto.RowGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FooterCodecTest {
  @TempDir Path dir;

  private static final Schema SCHEMA = new Schema(List.of(
      new Field("a", FieldType.nullable(new ArrowType.Int(32, true)), null)));

  /** A minimal structurally valid file: header, 10 chunk bytes, 4 module bytes, footer, trailer. */
  private static byte[] file(Footer.Builder footer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(FileLayout.header(0));
    out.write(new byte[14]);
    out.write(FooterCodec.encode(footer.build()));
    return out.toByteArray();
  }

  private static Footer.Builder validFooter() {
    return Footer.newBuilder()
        .setFormatMajor(1)
        .setArrowSchema(ByteString.copyFrom(SCHEMA.serializeAsMessage()))
        .setRowCount(3)
        .addRowGroups(RowGroup.newBuilder().setRowCount(3)
            .addColumns(ColumnChunk.newBuilder().setOffset(8).setLength(10).setDecoder(0)))
        .addDecoders(DecoderModule.newBuilder().setOffset(18).setLength(4).setAbiVersion(1)
            .setSha256(ByteString.copyFrom(new byte[32])));
  }

  private FileMetadata open(byte[] bytes) throws IOException {
    Path path = dir.resolve("f.capsule");
    Files.write(path, bytes);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return FileMetadata.validate(path.toString(), FooterCodec.read(channel, path.toString()));
    }
  }

  @Test
  void roundTripsAValidFooter() throws IOException {
    FileMetadata metadata = open(file(validFooter()));
    assertEquals(SCHEMA, metadata.schema());
    assertEquals(3, metadata.rowCount());
  }

  @Test
  void refusesWrongMagicTruncationAndCorruption() throws IOException {
    byte[] good = file(validFooter());

    byte[] badHeader = good.clone();
    badHeader[0] = 'X';
    assertMessage(badHeader, "header magic");

    byte[] badTrailer = good.clone();
    badTrailer[good.length - 1] = 'X';
    assertMessage(badTrailer, "trailer magic");

    byte[] flipped = good.clone();
    flipped[good.length - 20] ^= 1;
    assertMessage(flipped, "footer checksum mismatch");

    byte[] hugeLength = good.clone();
    hugeLength[good.length - 12 + 3] = 0x7F;
    assertMessage(hugeLength, "footer length");

    assertMessage(new byte[5], "shorter than header and trailer");

    byte[] reserved = good.clone();
    reserved[7] = 1;
    assertMessage(reserved, "reserved header bytes");

    byte[] minor = good.clone();
    minor[5] = 3;
    assertMessage(minor, "minor version 0, header says 3");

    byte[] newMajor = good.clone();
    newMajor[4] = 2;
    assertMessage(newMajor, "major version 2");
  }

  @Test
  void refusesFootersThatPointOutsideTheFile() throws Exception {
    Footer.Builder chunkPastFooter = validFooter();
    chunkPastFooter.getRowGroupsBuilder(0).getColumnsBuilder(0).setLength(1000);
    assertMessage(file(chunkPastFooter), "outside the data region");

    Footer.Builder badDecoderIndex = validFooter();
    badDecoderIndex.getRowGroupsBuilder(0).getColumnsBuilder(0).setDecoder(7);
    assertMessage(file(badDecoderIndex), "names decoder 7");

    Footer.Builder rowsDisagree = validFooter().setRowCount(4);
    assertMessage(file(rowsDisagree), "footer says 4");

    Footer.Builder missingColumn = validFooter();
    missingColumn.getRowGroupsBuilder(0).clearColumns();
    assertMessage(file(missingColumn), "0 column chunks for 1 fields");

    Footer.Builder shortHash = validFooter();
    shortHash.getDecodersBuilder(0).setSha256(ByteString.copyFrom(new byte[3]));
    assertMessage(file(shortHash), "SHA-256 of 3 bytes");

    Footer.Builder hugeModule = validFooter();
    hugeModule.getDecodersBuilder(0).setLength(Long.MAX_VALUE);
    assertMessage(file(hugeModule), "decoder module 0 is");

    Footer.Builder unsignedDecoderIndex = validFooter();
    unsignedDecoderIndex.getRowGroupsBuilder(0).getColumnsBuilder(0).setDecoder(-1); // uint32 0xFFFFFFFF
    assertMessage(file(unsignedDecoderIndex), "names decoder 4294967295");

    Footer.Builder hugeGroup = validFooter().setRowCount(-1);
    hugeGroup.getRowGroupsBuilder(0).setRowCount(-1); // uint64 2^64-1
    assertMessage(file(hugeGroup), "more than 2^31-1 rows");

    Footer.Builder hugeNullCount = validFooter();
    hugeNullCount.getRowGroupsBuilder(0).getColumnsBuilder(0).getStatisticsBuilder().setNullCount(-1);
    assertMessage(file(hugeNullCount), "null count exceeds row count");

    Footer.Builder shortMin = validFooter();
    shortMin.getRowGroupsBuilder(0).getColumnsBuilder(0).getStatisticsBuilder()
        .setMin(ByteString.copyFrom(new byte[3])).setMax(ByteString.copyFrom(new byte[4]));
    assertMessage(file(shortMin), "do not fit layout FIXED4");

    Footer.Builder minWithoutMax = validFooter();
    minWithoutMax.getRowGroupsBuilder(0).getColumnsBuilder(0).getStatisticsBuilder().setMin(ByteString.copyFrom(new byte[4]));
    assertMessage(file(minWithoutMax), "min without a max");

    Field deep = new Field("leaf", FieldType.nullable(new ArrowType.Int(32, true)), null);
    for (int i = 0; i < 100_000; i++) {
      deep = new Field("s", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(deep));
    }
    byte[] deepSchema = serializeDeep(deep);
    assertTrue(deepSchema != null, "could not build the deep schema");
    {
      Footer.Builder nested = validFooter().setArrowSchema(ByteString.copyFrom(deepSchema));
      assertMessage(file(nested), "no valid Arrow schema");
    }

    Footer.Builder noSchema = validFooter().setArrowSchema(ByteString.copyFromUtf8("nonsense"));
    assertMessage(file(noSchema), "no valid Arrow schema");
  }

  /**
   * The IPC bytes of a schema too deep for Arrow's recursive reader on a normal stack; written on a
   * thread with a huge stack, since Arrow's writer recurses too. Null if even that overflows.
   */
  private static byte[] serializeDeep(Field deep) throws InterruptedException {
    byte[][] result = new byte[1][];
    Thread writer = new Thread(null, () -> {
      try {
        result[0] = new Schema(List.of(deep)).serializeAsMessage();
      } catch (StackOverflowError e) {
        result[0] = null;
      }
    }, "deep-schema-writer", 2L << 30);
    writer.start();
    writer.join();
    return result[0];
  }

  private void assertMessage(byte[] bytes, String expected) {
    CapsuleFormatException e = assertThrows(CapsuleFormatException.class, () -> open(bytes));
    assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    assertTrue(e.getMessage().contains("f.capsule"), () -> "message does not name the file: " + e.getMessage());
  }
}
