package dev.capsule.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fork launcher starts this JVM's java with the environment it was given (and the arguments unchanged). */
class ForkedJvmTest {
  @TempDir Path dir;

  @Test
  void launchesJavaWithTheEnvironment() throws Exception {
    Path program = dir.resolve("PrintEnv.java");
    Files.writeString(program, "public class PrintEnv { public static void main(String[] a) {"
        + " System.out.print(System.getenv(\"OMP_NUM_THREADS\") + \" \" + System.getenv(\"ODD\") + \" \" + a[0]); } }");
    Path launcher = ForkedJvm.withEnvironment(dir, Map.of("OMP_NUM_THREADS", "1", "ODD", "it's $HOME"));
    Process process = new ProcessBuilder(List.of(launcher.toString(), program.toString(), "a b")).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), output);
    assertEquals("1 it's $HOME a b", output);
  }
}
