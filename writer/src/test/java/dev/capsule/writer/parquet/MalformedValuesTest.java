package dev.capsule.writer.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.format.Float16Type;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Values and footers parquet-java reads without complaint but Capsule cannot hold exactly fail the
 * conversion with a ParquetInputException naming file, row group, column and row; values just
 * inside the limits convert to exactly what parquet-java reads.
 */
class MalformedValuesTest {
  @TempDir Path dir;

  // ---- fixed-width values of the wrong length ----

  @ParameterizedTest
  @CsvSource({"3", "5"})
  void aFixedLenByteArrayValueOfTheWrongLengthIsAnError(int length) throws IOException {
    Path file = ParquetFiles.write(dir.resolve("flba.parquet"), "message m { required fixed_len_byte_array(4) f; }",
        List.of(row -> row.append("f", bytes(4, 1)), row -> row.append("f", bytes(4, 2)),
            row -> row.append("f", bytes(length, 3)), row -> row.append("f", bytes(4, 4))), true);
    assertFails(file, ", row group 0, column 'f', row 2: value of " + length + " bytes in a column of 4-byte values");
  }

  @Test
  void aUuidOrFloat16ValueOfTheWrongLengthIsAnError() throws IOException {
    Path uuid = ParquetFiles.write(dir.resolve("uuid.parquet"), "message m { optional fixed_len_byte_array(16) u (UUID); }",
        List.of(row -> {}, row -> row.append("u", bytes(16, 1)), row -> row.append("u", bytes(15, 2))), true);
    assertFails(uuid, ", column 'u', row 2: value of 15 bytes in a column of 16-byte values");
    // parquet-java's FLOAT16 statistics check lengths on writing: annotate the column afterwards.
    Path half = ParquetFiles.write(dir.resolve("half.parquet"), "message m { required fixed_len_byte_array(2) h; }",
        List.of(row -> row.append("h", bytes(2, 1)), row -> row.append("h", bytes(3, 2))), true);
    ParquetFiles.changeFooter(half, metadata -> {
      metadata.getSchema().get(1).setLogicalType(LogicalType.FLOAT16(new Float16Type()));
      metadata.getRow_groups().get(0).getColumns().get(0).getMeta_data().unsetStatistics(); // a 3-byte maximum
    });
    assertFails(half, ", column 'h', row 1: value of 3 bytes in a column of 2-byte values");
  }

  @Test
  void fixedLenByteArrayValuesOfTheRightLengthConvert() throws IOException {
    Path file = ParquetFiles.write(dir.resolve("flba-ok.parquet"), "message m { optional fixed_len_byte_array(4) f; }",
        List.of(row -> row.append("f", bytes(4, 1)), row -> {}, row -> row.append("f", bytes(4, 3))), true);
    assertConverts(file);
  }

  // ---- INT(8), INT(16) ----

  @ParameterizedTest
  @CsvSource({
    "'INTEGER(8,true)', 128, '-128 to 127'",
    "'INTEGER(8,true)', -129, '-128 to 127'",
    "'INTEGER(8,false)', 256, '0 to 255'",
    "'INTEGER(8,false)', -1, '0 to 255'",
    "'INTEGER(16,true)', 32768, '-32768 to 32767'",
    "'INTEGER(16,true)', -32769, '-32768 to 32767'",
    "'INTEGER(16,false)', 65536, '0 to 65535'",
    "'INTEGER(16,false)', -1, '0 to 65535'"
  })
  void aNarrowIntegerOutsideItsRangeIsAnError(String annotation, int value, String range) throws IOException {
    Path file = ParquetFiles.write(dir.resolve("narrow.parquet"), "message m { optional int32 i (" + annotation + "); }",
        List.of(row -> row.append("i", 0), row -> {}, row -> row.append("i", value)));
    assertFails(file, ", row group 0, column 'i', row 2: value " + value + " is outside the range of INTEGER(");
    assertFails(file, range);
  }

  @ParameterizedTest
  @CsvSource({"'INTEGER(8,true)', -128, 127", "'INTEGER(8,false)', 0, 255", "'INTEGER(16,true)', -32768, 32767",
      "'INTEGER(16,false)', 0, 65535"})
  void narrowIntegersAtTheEndsOfTheirRangeConvert(String annotation, int min, int max) throws IOException {
    Path file = ParquetFiles.write(dir.resolve("narrow-ok.parquet"), "message m { required int32 i (" + annotation + "); }",
        List.of(row -> row.append("i", min), row -> row.append("i", max), row -> row.append("i", 1)));
    assertConverts(file);
  }

  // ---- DECIMAL precision ----

  @ParameterizedTest
  @CsvSource({
    "int32, 4, 2, 10000, '100.00'",
    "int32, 4, 2, -10000, '-100.00'",
    "int32, 9, 0, 2147483647, '2147483647'",
    "int64, 12, 2, 1000000000000, '10000000000.00'",
    "int64, 18, 0, -9223372036854775808, '-9223372036854775808'",
    "fixed_len_byte_array(5), 10, 0, 10000000000, '10000000000'",
    "fixed_len_byte_array(16), 20, 0, -100000000000000000000, '-100000000000000000000'",
    "binary, 3, 1, 1000, '100.0'",
    "binary, 20, 0, 100000000000000000000, '100000000000000000000'",
    "binary, 40, 0, 10000000000000000000000000000000000000000, '10000000000000000000000000000000000000000'"
  })
  void aDecimalWithMoreDigitsThanItsPrecisionIsAnError(String physical, int precision, int scale, String unscaled,
      String shown) throws IOException {
    Path file = ParquetFiles.write(dir.resolve("decimal.parquet"),
        "message m { optional " + physical + " d (DECIMAL(" + precision + "," + scale + ")); }",
        List.of(decimal(physical, "1"), row -> {}, decimal(physical, unscaled)));
    assertFails(file, ", row group 0, column 'd', row 2: decimal " + shown + " has more than " + precision
        + " digits, the precision of the column's DECIMAL(" + precision + ", " + scale + ")");
  }

  @ParameterizedTest
  @CsvSource({
    "int32, 4, 9999", "int32, 9, -999999999", "int64, 18, 999999999999999999", "int64, 18, -999999999999999999",
    "fixed_len_byte_array(5), 10, -9999999999", "fixed_len_byte_array(16), 38, 99999999999999999999999999999999999999",
    "fixed_len_byte_array(16), 38, -1", "binary, 20, 99999999999999999999", "binary, 20, -99999999999999999999",
    "binary, 76, -9999999999999999999999999999999999999999999999999999999999999999999999999999"
  })
  void decimalsWithAsManyDigitsAsTheirPrecisionConvert(String physical, int precision, String unscaled)
      throws IOException {
    Path file = ParquetFiles.write(dir.resolve("decimal-ok.parquet"),
        "message m { optional " + physical + " d (DECIMAL(" + precision + ",0)); }",
        List.of(decimal(physical, unscaled), row -> {}, decimal(physical, "0"), decimal(physical, "-7")));
    assertConverts(file);
  }

  /** A row with an unscaled decimal value as the physical type stores it (big-endian two's complement for bytes). */
  private static ParquetFiles.Row decimal(String physical, String unscaled) {
    BigInteger value = new BigInteger(unscaled);
    if (physical.equals("int32")) {
      return row -> row.append("d", value.intValueExact());
    }
    if (physical.equals("int64")) {
      return row -> row.append("d", value.longValueExact());
    }
    byte[] bytes = value.toByteArray();
    if (physical.startsWith("fixed_len_byte_array")) {
      int width = Integer.parseInt(physical.replaceAll("\\D", ""));
      byte[] padded = new byte[width];
      Arrays.fill(padded, 0, width - bytes.length, (byte) (value.signum() < 0 ? -1 : 0));
      System.arraycopy(bytes, 0, padded, width - bytes.length, bytes.length);
      bytes = padded;
    }
    Binary binary = Binary.fromConstantByteArray(bytes);
    return row -> row.append("d", binary);
  }

  // ---- the footer ----

  @Test
  void aRowGroupOfANegativeNumberOfRowsIsAnError() throws IOException {
    Path file = ParquetFiles.write(dir.resolve("negative.parquet"), "message m { required int32 x; optional binary s; }",
        List.of(row -> row.append("x", 1), row -> row.append("x", 2)));
    ParquetFiles.changeFooter(file, metadata -> {
      metadata.getRow_groups().get(0).setNum_rows(-5);
      metadata.setNum_rows(-5);
    });
    assertFails(file, file + ", row group 0: the footer gives the row group -5 rows");
  }

  @Test
  void aColumnChosenTwiceIsRefusedByName() throws IOException {
    Path file = ParquetFiles.write(dir.resolve("twice.parquet"), "message m { required int32 a; required int32 b; }",
        List.of(row -> row.append("a", 1).append("b", 2)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ParquetSource.open(file, List.of("a", "b", "a")).close());
    assertEquals("column 'a' is chosen twice in [a, b, a]", e.getMessage());
    Path output = dir.resolve("twice.capsule");
    assertThrows(IllegalArgumentException.class, () -> ParquetConverter.convert(List.of(file), output,
        ParquetConverter.Options.defaults().withColumns(List.of("b", "b")), (done, total) -> {}));
    assertFalse(Files.exists(output));
  }

  // ----

  private static Binary bytes(int length, int fill) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) fill);
    return Binary.fromConstantByteArray(bytes);
  }

  /** Both reading the file and converting it fail with {@code message} in the error, which names the file. */
  private void assertFails(Path file, String message) {
    ParquetInputException read = assertThrows(ParquetInputException.class, () -> readAll(file));
    assertTrue(read.getMessage().startsWith(file.toString()) && read.getMessage().contains(message), read.getMessage());
    Path output = dir.resolve("out.capsule");
    ParquetInputException convert = assertThrows(ParquetInputException.class,
        () -> ParquetConverter.convert(List.of(file), output, ParquetConverter.Options.defaults(), (done, total) -> {}));
    assertTrue(convert.getMessage().contains(message), convert.getMessage());
    assertFalse(Files.exists(output), "a failed conversion left " + output);
  }

  private static void readAll(Path file) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        ParquetSource source = ParquetSource.open(file);
        VectorSchemaRoot root = VectorSchemaRoot.create(source.schema(), allocator)) {
      while (source.nextBatch(root, 1024) > 0) {
        // read every value
      }
    }
  }

  /** The file converts to exactly the values parquet-java's record API reads. */
  private void assertConverts(Path file) throws IOException {
    Path output = dir.resolve(file.getFileName() + ".capsule");
    Files.deleteIfExists(output);
    ParquetConverter.convert(List.of(file), output, ParquetConverter.Options.defaults(), (done, total) -> {});
    List<org.apache.parquet.example.data.Group> rows = new ArrayList<>(ParquetJavaRows.read(file));
    ParquetCorpusFidelityTest.compareWithParquetJava(output, rows, file.toString(), Int96Unit.NANOSECOND);
  }
}
