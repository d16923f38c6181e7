package dev.capsule.reader.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in test modules are what src/test/c/build.sh builds from the sources next to it.
 * Skipped where clang-14 and wasm-ld-14 are not installed.
 */
class TestModulesRebuildTest {
  private static final Path SOURCES = Path.of("src/test/c");
  private static final Path CHECKED_IN = Path.of("src/test/resources/wasm");

  private static boolean onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }

  @Test
  void rebuildingGivesTheSameBytes(@TempDir Path out) throws Exception {
    assumeTrue(onPath("clang-14") && onPath("wasm-ld-14"), "clang-14 / wasm-ld-14 not installed");
    Process build = new ProcessBuilder("bash", SOURCES.resolve("build.sh").toString(), out.toString())
        .redirectErrorStream(true)
        .start();
    String log = new String(build.getInputStream().readAllBytes());
    assertEquals(true, build.waitFor(120, TimeUnit.SECONDS), "build.sh did not finish");
    assertEquals(0, build.exitValue(), log);
    List<Path> expected;
    try (Stream<Path> files = Files.list(CHECKED_IN)) {
      expected = files.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
    }
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(expected.size(), files.count(), "build.sh and resources disagree on the module list");
    }
    for (Path module : expected) {
      assertArrayEquals(Files.readAllBytes(module), Files.readAllBytes(out.resolve(module.getFileName())),
          module.getFileName() + " differs from a fresh build: run src/test/c/build.sh and check it in");
    }
  }
}
