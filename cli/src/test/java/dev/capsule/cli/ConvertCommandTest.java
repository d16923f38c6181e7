package dev.capsule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.cli.CapsuleCliTest.Result;
import dev.capsule.reader.CapsuleReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** capsule convert and capsule verify on Parquet files written here by parquet-java. */
class ConvertCommandTest {
  static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
      message t {
        required int64 id;
        optional binary name (STRING);
        optional int32 day (DATE);
        optional fixed_len_byte_array(16) tag (UUID);
      }""");
  static final MessageType OTHER_SCHEMA = MessageTypeParser.parseMessageType("message t { required int32 x; }");
  static final MessageType NESTED_SCHEMA = MessageTypeParser.parseMessageType("""
      message t {
        required int64 id;
        optional group tags (LIST) { repeated group list { optional binary element (STRING); } }
      }""");

  @TempDir static Path dir;
  static Path inputs;
  static Path first;

  @BeforeAll
  static void writeParquetFiles() throws IOException {
    inputs = Files.createDirectories(dir.resolve("in"));
    first = inputs.resolve("part-0.parquet");
    write(first, 0, 3000);
    write(inputs.resolve("part-1.parquet"), 3000, 2000);
    write(inputs.resolve("part-2.parquet"), 5000, 10);
  }

  static void write(Path file, long start, int rows) throws IOException {
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(SCHEMA)
        .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
      for (long id = start; id < start + rows; id++) {
        Group row = groups.newGroup().append("id", id);
        if (id % 7 != 0) {
          row.append("name", "name " + id % 100);
        }
        if (id % 5 != 0) {
          row.append("day", (int) (id % 20_000));
        }
        byte[] uuid = new byte[16];
        uuid[15] = (byte) id;
        row.append("tag", org.apache.parquet.io.api.Binary.fromConstantByteArray(uuid));
        writer.write(row);
      }
    }
  }

  @Test
  void convertsOneFileAndReportsWhatItDid() throws IOException {
    Path out = dir.resolve("one.capsule");
    Result r = CapsuleCliTest.run("convert", first.toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("3,000 rows x 4 columns"), r.out());
    assertTrue(r.out().contains("bytes of Parquet ->"), r.out());
    for (String column : new String[] {"id", "name", "day", "tag"}) {
      assertTrue(r.out().matches("(?s).*\\n  " + column + " +capsule\\.\\w+.*"), "no encoding for " + column + ":\n" + r.out());
    }
    try (CapsuleReader reader = CapsuleReader.open(out)) {
      assertEquals(3000, reader.rowCount());
      assertEquals("arrow.uuid", reader.schema().findField("tag").getMetadata().get("ARROW:extension:name"));
    }
    Result verify = CapsuleCliTest.run("verify", first.toString(), out.toString());
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().contains("equal: 3,000 rows x 4 columns"), verify.out());
  }

  @Test
  void convertsADirectoryIntoOneFilePerInputAndAGlobIntoOneMergedFile() throws IOException {
    Path outDir = dir.resolve("each");
    Result r = CapsuleCliTest.run("convert", inputs.toString(), outDir.toString());
    assertEquals(0, r.code(), r.err());
    for (String name : new String[] {"part-0", "part-1", "part-2"}) {
      assertTrue(Files.exists(outDir.resolve(name + ".capsule")), name);
    }
    Path merged = dir.resolve("merged.capsule");
    r = CapsuleCliTest.run("convert", "--merge", inputs.resolve("part-*.parquet").toString(), merged.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("5,010 rows"), r.out());
    try (CapsuleReader reader = CapsuleReader.open(merged)) {
      assertEquals(5010, reader.rowCount());
    }
  }

  @Test
  void verifyReportsTheFirstDifferentValue() throws IOException {
    Path other = dir.resolve("other.parquet");
    write(other, 0, 3000);
    Path capsule = dir.resolve("for-verify.capsule");
    assertEquals(0, CapsuleCliTest.run("convert", other.toString(), capsule.toString()).code());
    Path changed = dir.resolve("changed.parquet");
    write(changed, 1, 3000); // every id one higher
    Result r = CapsuleCliTest.run("verify", changed.toString(), capsule.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("different: row 0, column 'id': Parquet 1, Capsule 0"), r.out());

    Path shorter = dir.resolve("shorter.parquet");
    write(shorter, 0, 2999);
    r = CapsuleCliTest.run("verify", shorter.toString(), capsule.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("the Parquet file has 2999 rows, the Capsule file more than 2999"), r.out());
  }

  @Test
  void refusesNestedColumnsByNameButConvertsTheOthersWithColumns() throws IOException {
    Path nested = dir.resolve("nested.parquet");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(nested)).withType(NESTED_SCHEMA).build()) {
      Group row = new SimpleGroupFactory(NESTED_SCHEMA).newGroup().append("id", 1L);
      row.addGroup("tags").addGroup("list").append("element", "a");
      writer.write(row);
    }
    Path out = dir.resolve("nested.capsule");
    Result r = CapsuleCliTest.run("convert", nested.toString(), out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains(nested + ", column 'tags': nested LIST group columns are not supported"), r.err());
    assertFalse(Files.exists(out));
    r = CapsuleCliTest.run("convert", "--columns", "id", nested.toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(out));
  }

  @Test
  void aBadInputFailsWithItsNameAndLeavesNothingBehind() throws IOException {
    Path bad = dir.resolve("bad.parquet");
    byte[] bytes = Files.readAllBytes(first);
    bytes[bytes.length / 2] ^= 0x5A; // a flipped byte inside the data pages
    bytes[bytes.length / 2 + 1] ^= 0x5A;
    Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 20)); // and no footer
    Path out = dir.resolve("bad.capsule");
    Result r = CapsuleCliTest.run("convert", bad.toString(), out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("capsule: " + bad), r.err());
    assertFalse(Files.exists(out));
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".bad.capsule")), "a temporary file is left");
    }
  }

  @Test
  void mismatchedSchemasCannotBeMergedAndOutputsAreNotOverwritten() throws IOException {
    Path other = dir.resolve("x.parquet");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(other)).withType(OTHER_SCHEMA).build()) {
      writer.write(new SimpleGroupFactory(OTHER_SCHEMA).newGroup().append("x", 1));
    }
    Path out = dir.resolve("mixed.capsule");
    Result r = CapsuleCliTest.run("convert", "--merge", first.toString(), other.toString(), out.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("only files of the same schema can be merged"), r.err());
    assertFalse(Files.exists(out));

    Path existing = dir.resolve("existing.capsule");
    Files.writeString(existing, "keep me");
    r = CapsuleCliTest.run("convert", first.toString(), existing.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("--overwrite"), r.err());
    assertEquals("keep me", Files.readString(existing));
    assertEquals(0, CapsuleCliTest.run("convert", "--overwrite", first.toString(), existing.toString()).code());
  }

  @Test
  void inputsOfOneNameInDifferentDirectoriesAreRefusedBeforeAnythingIsConverted() throws IOException {
    Path a = Files.createDirectories(dir.resolve("dir1")).resolve("a.parquet");
    Path b = Files.createDirectories(dir.resolve("dir2")).resolve("a.parquet");
    write(a, 0, 10);
    write(b, 100, 20);
    Path outDir = dir.resolve("same-names");
    Result r = CapsuleCliTest.run("convert", "--overwrite", a.toString(), b.toString(), first.toString(), outDir.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("several inputs would convert to the same file: " + outDir.resolve("a.capsule")
        + " from [" + a + ", " + b + "]"), r.err());
    assertFalse(Files.exists(outDir.resolve("a.capsule")));
    assertFalse(Files.exists(outDir.resolve("part-0.capsule")), "nothing is converted");

    r = CapsuleCliTest.run("convert", first.toString(), first.toString(), outDir.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains(outDir.resolve("part-0.capsule") + " from [" + first + ", " + first + "]"), r.err());
  }

  @Test
  void aColumnChosenTwiceIsRefusedByName() {
    Path out = dir.resolve("twice.capsule");
    Result r = CapsuleCliTest.run("convert", "--columns", "id,name,id", first.toString(), out.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("capsule: column 'id' is chosen twice in [id, name, id]"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void verifyComparesColumnsInTheOrderOfColumns() throws IOException {
    Path all = dir.resolve("all-columns.capsule");
    assertEquals(0, CapsuleCliTest.run("convert", first.toString(), all.toString()).code());
    Result r = CapsuleCliTest.run("verify", "--columns", "tag,id", first.toString(), all.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("equal: 3,000 rows x 2 columns"), r.out());

    Path some = dir.resolve("name-and-id.capsule");
    assertEquals(0, CapsuleCliTest.run("convert", "--columns", "name,id", first.toString(), some.toString()).code());
    r = CapsuleCliTest.run("verify", "--columns", "id,day", first.toString(), some.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("different: the Capsule file has no column 'day'"), r.out());
  }

  @Test
  void helpExplainsInputsOutputsAndNestedColumns() {
    Result r = CapsuleCliTest.run("convert", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("--merge"), r.out());
    assertTrue(r.out().contains("Nested columns"), r.out());
    assertTrue(r.out().contains("--int96-unit"), r.out());
    assertTrue(r.out().contains("RAW"), "the help names every INT96 unit the README documents:\n" + r.out());
  }
}
