package dev.capsule.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Parquet files named on a command line: files as they are, directories as every
 * {@code *.parquet} file directly in them, and glob patterns ({@code 'data/part-*.parquet'}, quoted
 * so the shell leaves them alone) as the files they match. Sorted within each argument, in
 * argument order overall.
 */
final class ParquetInputs {
  private ParquetInputs() {}

  static List<Path> resolve(List<String> arguments) throws IOException {
    List<Path> files = new ArrayList<>();
    for (String argument : arguments) {
      List<Path> matched = resolve(argument);
      if (matched.isEmpty()) {
        throw new NoSuchFileException(argument, null, "no Parquet file matches");
      }
      files.addAll(matched);
    }
    return files;
  }

  private static List<Path> resolve(String argument) throws IOException {
    if (isGlob(argument)) {
      return glob(argument);
    }
    Path path = Path.of(argument);
    if (Files.isDirectory(path)) {
      return list(path, FileSystems.getDefault().getPathMatcher("glob:*.parquet"));
    }
    if (!Files.exists(path)) {
      throw new NoSuchFileException(argument);
    }
    return List.of(path);
  }

  private static boolean isGlob(String argument) {
    return argument.contains("*") || argument.contains("?") || argument.contains("[") || argument.contains("{");
  }

  /** A pattern in its last path element only (dir/part-*.parquet), matched in that directory. */
  private static List<Path> glob(String pattern) throws IOException {
    Path path = Path.of(pattern);
    Path directory = path.getParent() == null ? Path.of(".") : path.getParent();
    if (isGlob(directory.toString())) {
      throw new IllegalArgumentException("'" + pattern + "': patterns may only be in the file name, not in directories");
    }
    if (!Files.isDirectory(directory)) {
      throw new NoSuchFileException(directory.toString(), null, "no such directory");
    }
    return list(directory, FileSystems.getDefault().getPathMatcher("glob:" + path.getFileName()));
  }

  private static List<Path> list(Path directory, PathMatcher matcher) throws IOException {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.filter(p -> matcher.matches(p.getFileName()) && Files.isRegularFile(p)).sorted().toList();
    }
  }
}
