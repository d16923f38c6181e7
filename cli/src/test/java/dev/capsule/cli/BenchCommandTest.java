package dev.capsule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** capsule bench: its help says what is measured; the benchmarks themselves are smoke-tested in bench. */
class BenchCommandTest {
  @Test
  void helpExplainsWhatIsMeasuredAndHowToReadIt() {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int code = CapsuleCli.run(stdout, new PrintWriter(new StringWriter(), true), "bench", "--help");
    String help = stdout.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, help);
    for (String word : new String[] {"--scale", "--output", "memcpy", "arrow-dataset", "ratios", "bench.json"}) {
      assertTrue(help.contains(word), "no '" + word + "' in\n" + help);
    }
  }

  @Test
  void refusesANonPositiveScale() {
    StringWriter err = new StringWriter();
    int code = CapsuleCli.run(new ByteArrayOutputStream(), new PrintWriter(err, true), "bench", "--scale", "0");
    assertEquals(1, code);
    assertTrue(err.toString().contains("--scale"), err.toString());
  }
}
