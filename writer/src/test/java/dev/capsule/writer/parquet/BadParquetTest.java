package dev.capsule.writer.parquet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of parquet-testing/bad_data (malformed on purpose, see its README) fails to convert
 * with a ParquetInputException that names the file, and leaves nothing at the output path - unless
 * parquet-java reads it without complaint, in which case it converts to exactly what parquet-java
 * reads.
 */
class BadParquetTest {
  /** Bad files parquet-java reads anyway, and what it makes of them. */
  static final java.util.Map<String, String> READ_BY_PARQUET_JAVA = java.util.Map.of(
      "ARROW-GH-43605.parquet", "dictionary indices with an RLE bit width of 0: parquet-java reads every index as 0");

  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> everyBadFileFailsClearly() {
    List<Path> files = Corpus.badFiles();
    assertTrue(files.size() >= 8, "expected the bad_data files, found " + files);
    List<DynamicTest> tests = new ArrayList<>();
    for (Path file : files) {
      tests.add(dynamicTest(file.getFileName().toString(), () -> {
        Path output = dir.resolve(file.getFileName() + ".capsule");
        if (READ_BY_PARQUET_JAVA.containsKey(file.getFileName().toString())) {
          ParquetConverter.convert(List.of(file), output, ParquetConverter.Options.defaults(), (done, total) -> {});
          ParquetCorpusFidelityTest.compareWithParquetJava(output, ParquetJavaRows.read(file), file.toString(),
              Int96Unit.NANOSECOND);
          return;
        }
        IOException e = assertThrows(ParquetInputException.class,
            () -> ParquetConverter.convert(List.of(file), output, ParquetConverter.Options.defaults(), (done, total) -> {}));
        assertTrue(e.getMessage().startsWith(file.toString()), "the message starts with the file: " + e.getMessage());
        assertFalse(Files.exists(output), "a failed conversion left " + output);
        try (var left = Files.list(dir)) {
          assertTrue(left.noneMatch(p -> p.getFileName().toString().contains(file.getFileName().toString())),
              "no temporary file is left either");
        }
      }));
    }
    return tests.stream();
  }
}
