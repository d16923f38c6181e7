package dev.capsule.writer.parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real Parquet files of {@code ../shared/corpus} (parquet-testing and hyparquet), which nobody on
 * this project wrote. Found through the system property {@code capsule.corpus}, else by looking for
 * {@code shared/corpus} beside the checkout or any directory above it. A missing corpus fails the
 * tests that need it: they must not pass by testing nothing.
 */
final class Corpus {
  private Corpus() {}

  static Path root() {
    String property = System.getProperty("capsule.corpus");
    if (property != null) {
      return require(Path.of(property));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/corpus");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("the Parquet corpus (shared/corpus) is not beside this checkout or above it; "
        + "set -Dcapsule.corpus=DIR");
  }

  private static Path require(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("capsule.corpus=" + dir + " is not a directory");
    }
    return dir;
  }

  /** Every *.parquet file under parquet-testing/data and hyparquet/files, sorted. */
  static List<Path> files() {
    Path root = root();
    return Stream.of(root.resolve("parquet-testing/data"), root.resolve("hyparquet/files"))
        .flatMap(Corpus::parquetFiles)
        .sorted()
        .toList();
  }

  /** The files of parquet-testing/bad_data, malformed on purpose. */
  static List<Path> badFiles() {
    return parquetFiles(root().resolve("parquet-testing/bad_data")).sorted().toList();
  }

  private static Stream<Path> parquetFiles(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "parquet-testing/data/x.parquet": how the lists in the tests name a file. */
  static String name(Path file) {
    return root().relativize(file).toString();
  }
}
