package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in modules are exactly what build.sh produces from the checked-in sources, and the
 * build does not depend on where the checkout lives.
 */
class WasmRebuildTest {
  private static final Path MODULE_DIR = moduleDir();
  private static final Path CHECKED_IN = MODULE_DIR.resolve("src/main/resources/dev/capsule/decoders");

  private static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    return Path.of(basedir != null ? basedir : "").toAbsolutePath();
  }

  @BeforeAll
  static void toolchainIsInstalled() {
    for (String tool : List.of("clang-14", "wasm-ld-14")) {
      if (!onPath(tool)) {
        fail(tool + " is not on the PATH; the decoder modules are rebuilt and compared with the "
            + "checked-in ones by this test. Install the toolchain: apt-get install clang-14 lld-14");
      }
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void rebuildMatchesCheckedInModules(@TempDir Path out) throws Exception {
    build(MODULE_DIR.resolve("build.sh"), out);
    assertSameModules(out);
  }

  @Test
  void buildDoesNotDependOnTheCheckoutPath(@TempDir Path elsewhere) throws Exception {
    Path copy = elsewhere.resolve("some/other/checkout");
    Files.createDirectories(copy.resolve("src/main"));
    Files.copy(MODULE_DIR.resolve("build.sh"), copy.resolve("build.sh"));
    copyTree(MODULE_DIR.resolve("src/main/c"), copy.resolve("src/main/c"));
    // No argument: the default output directory inside the copy.
    build(copy.resolve("build.sh"), null);
    assertSameModules(copy.resolve("src/main/resources/dev/capsule/decoders"));
  }

  private static void assertSameModules(Path built) throws IOException {
    try (Stream<Path> files = Files.list(built)) {
      assertEquals(List.of("bitpack.wasm", "dict.wasm", "parquet.wasm", "plain.wasm", "ree.wasm"),
          files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList()));
    }
    for (String module : ShippedDecoders.modules()) {
      byte[] rebuilt = Files.readAllBytes(built.resolve(module + ".wasm"));
      assertArrayEquals(Files.readAllBytes(CHECKED_IN.resolve(module + ".wasm")), rebuilt,
          module + ".wasm differs from a rebuild: run decoders-wasm/build.sh and check in the result");
      assertArrayEquals(ShippedDecoders.bytes(module), rebuilt, module + ".wasm on the classpath");
    }
  }

  private static void build(Path script, Path out) throws Exception {
    ProcessBuilder pb = out == null ? new ProcessBuilder("bash", script.toString())
        : new ProcessBuilder("bash", script.toString(), out.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    byte[] log = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "build.sh timed out");
    assertEquals(0, p.exitValue(), () -> "build.sh failed:\n" + new String(log, StandardCharsets.UTF_8));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path src : (Iterable<Path>) walk::iterator) {
        Path dst = to.resolve(from.relativize(src).toString());
        if (Files.isDirectory(src)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(src, dst);
        }
      }
    }
  }
}
