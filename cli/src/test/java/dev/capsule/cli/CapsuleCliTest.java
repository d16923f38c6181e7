package dev.capsule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The capsule command, run in-process on a real file written by the demo. */
class CapsuleCliTest {
  @TempDir static Path dir;
  static Path file;
  static Result demo;

  record Result(int code, String out, byte[] bytes, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    int code = CapsuleCli.run(stdout, new PrintWriter(err, true), args);
    return new Result(code, stdout.toString(StandardCharsets.UTF_8), stdout.toByteArray(), err.toString());
  }

  @BeforeAll
  static void writeADemoFile() {
    file = dir.resolve("lineitem.capsule");
    demo = run("demo", "--scale", "0.002", "--output", file.toString(), "--repeat", "1");
  }

  @Test
  void demoWritesVerifiesAndReportsEveryColumn() {
    assertEquals(0, demo.code(), demo.err());
    assertTrue(demo.out().contains("all equal"), demo.out());
    for (String column : List.of("l_orderkey", "l_extendedprice", "l_shipdate", "l_comment")) {
      assertTrue(demo.out().contains(column), "no row for " + column + " in\n" + demo.out());
    }
    assertTrue(Files.exists(file));
  }

  @Test
  void inspectShowsSchemaChunksAndDecoderHashes() {
    Result r = run("inspect", file.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("l_shipdate"), r.out());
    assertTrue(r.out().contains("Date(DAY)"), r.out());
    assertTrue(r.out().matches("(?s).*capsule\\.\\w+\\s+\\d+\\s+\\d+\\s+[0-9a-f]{64}.*"), "no decoder module with its SHA-256:\n" + r.out());
    assertTrue(r.out().contains("row group 0"), r.out());
  }

  @Test
  void catPrintsChosenColumnsAsText() {
    Result r = run("cat", file.toString(), "--columns", "l_orderkey,l_shipmode,l_shipdate", "--limit", "3");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(4, lines.size(), r.out());
    assertEquals("l_orderkey\tl_shipmode\tl_shipdate", lines.get(0));
    assertTrue(lines.get(1).matches("1\\t[A-Z ]+\\t\\d{4}-\\d{2}-\\d{2}"), lines.get(1));
  }

  @Test
  void catWritesAnArrowStreamThatArrowReads() throws Exception {
    Result r = run("cat", file.toString(), "--format", "arrow", "--columns", "l_quantity,l_comment", "--offset", "10", "--limit", "1000");
    assertEquals(0, r.code(), r.err());
    int rows = 0;
    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(r.bytes()), allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      assertEquals(List.of("l_quantity", "l_comment"), root.getSchema().getFields().stream().map(f -> f.getName()).toList());
      while (reader.loadNextBatch()) {
        rows += root.getRowCount();
      }
    }
    assertEquals(1000, rows);
  }

  /** The format 1.1 golden file: statistics and values of every newer type come out readable. */
  @Test
  void inspectAndCatShowTheTypesOfFormat11() {
    String golden = Path.of("..", "format-spec", "src", "test", "resources", "golden", "types-1.1.capsule").toString();
    Result inspect = run("inspect", golden);
    assertEquals(0, inspect.code(), inspect.err());
    List<String> rowGroup0 = inspect.out().lines().dropWhile(l -> !l.startsWith("row group 0")).toList();
    assertTrue(line(rowGroup0, "float16").endsWith("-0.011474609 .. -0.011474609"), inspect.out()); // bits a1e0
    assertTrue(line(rowGroup0, "date64").endsWith("1970-01-01 .. 1970-01-01"), inspect.out()); // 431,584 ms
    assertTrue(line(rowGroup0, "fixed3").endsWith("0xe09506 .. 0xe09506"), inspect.out());

    Result cat = run("cat", golden, "--columns", "float16,fixed3,uuid", "--limit", "4");
    assertEquals(0, cat.code(), cat.err());
    List<String> lines = cat.out().lines().toList();
    assertEquals("-0.011474609\tnull\t0xfffffffffffc85b50000000000037a4a", lines.get(1));
    assertEquals("-0.011474609\t0xe09506\t0xfffffffffffc85b50000000000037a4a", lines.get(4));
  }

  private static String line(List<String> lines, String column) {
    return lines.stream().filter(l -> l.trim().startsWith(column + " ")).findFirst().orElseThrow();
  }

  @Test
  void errorsNameTheProblemWithoutAStackTrace() throws Exception {
    Result missing = run("inspect", dir.resolve("missing.capsule").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("missing.capsule"), missing.err());
    assertTrue(!missing.err().contains("\tat "), missing.err());

    Path notCapsule = dir.resolve("text.capsule");
    Files.writeString(notCapsule, "this is not a capsule file at all");
    Result corrupt = run("cat", notCapsule.toString());
    assertEquals(2, corrupt.code());
    assertTrue(corrupt.err().contains("not a Capsule file"), corrupt.err());

    Result unknownColumn = run("cat", file.toString(), "--columns", "nope");
    assertEquals(1, unknownColumn.code());
    assertTrue(unknownColumn.err().contains("'nope'"), unknownColumn.err());

    Result badOption = run("cat", file.toString(), "--limit", "many");
    assertEquals(2, badOption.code());
    assertTrue(badOption.err().contains("--limit"), badOption.err());
  }

  @Test
  void helpExplainsEveryCommand() {
    Result r = run("--help");
    assertEquals(0, r.code());
    for (String command : List.of("demo", "inspect", "cat")) {
      assertTrue(r.out().contains(command), r.out());
    }
  }
}
