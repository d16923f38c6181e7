package dev.capsule.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SPEC.md section 13 takes the golden file ints-ree.capsule apart byte by byte. Every dump line
 * there ("offset  bytes  meaning") must show the file's bytes at that offset, and the file length
 * and module hash must be the file's, so a regenerated golden file (a new ree.wasm changes the
 * module and everything after it) fails here until the section is redone. The prose (the region
 * table, the arithmetic of 13.7) is not parsed; redo it with the dump.
 */
class SpecWorkedExampleTest {
  private static final Path SPEC = Path.of("SPEC.md");
  private static final Path GOLDEN = Path.of("src/test/resources/golden/ints-ree.capsule");
  /** An offset, two spaces, nesting indentation, then bytes as pairs of hex digits. */
  private static final Pattern DUMP_LINE = Pattern.compile("^\\s*(\\d+)  (?:  )*((?:[0-9a-f]{2} )*[0-9a-f]{2})(?: |$)");

  @Test
  void everyDumpLineOfSection13ShowsTheGoldenFilesBytes() throws IOException {
    byte[] file = Files.readAllBytes(GOLDEN);
    List<String> dumpLines = new ArrayList<>();
    for (String line : section13().split("\n")) {
      Matcher m = DUMP_LINE.matcher(line);
      if (!m.find()) {
        continue;
      }
      dumpLines.add(line);
      int offset = Integer.parseInt(m.group(1));
      byte[] expected = HexFormat.ofDelimiter(" ").parseHex(m.group(2));
      assertTrue(offset + expected.length <= file.length, () -> "past the end of the file: " + line);
      byte[] actual = Arrays.copyOfRange(file, offset, offset + expected.length);
      assertEquals(HexFormat.ofDelimiter(" ").formatHex(expected), HexFormat.ofDelimiter(" ").formatHex(actual),
          () -> "SPEC.md section 13 line \"" + line.strip() + "\"");
    }
    // header, chunk, module head, footer and trailer: if the pattern stopped matching, say so
    assertTrue(dumpLines.size() >= 50, () -> "only " + dumpLines.size() + " dump lines found in section 13");
  }

  @Test
  void theFileLengthAndModuleHashMatchTheText() throws IOException, NoSuchAlgorithmException {
    byte[] file = Files.readAllBytes(GOLDEN);
    String text = section13();
    assertTrue(text.contains("The file is " + grouped(file.length) + " bytes long"),
        () -> "section 13 does not say the file is " + grouped(file.length) + " bytes long");
    Matcher module = Pattern.compile("### 13\\.4 Decoder module \\(([\\d ]+) bytes at offset (\\d+)\\)").matcher(text);
    assertTrue(module.find(), "section 13.4 heading");
    int length = Integer.parseInt(module.group(1).replace(" ", ""));
    int offset = Integer.parseInt(module.group(2));
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(file, offset, offset + length));
    assertTrue(text.contains(HexFormat.of().formatHex(sha)), "section 13.4 shows the module's SHA-256");
  }

  private static String section13() throws IOException {
    String spec = Files.readString(SPEC, StandardCharsets.UTF_8);
    int start = spec.indexOf("## 13. ");
    assertTrue(start >= 0, "SPEC.md has a section 13");
    int end = spec.indexOf("\n## 14. ", start);
    return end < 0 ? spec.substring(start) : spec.substring(start, end);
  }

  /** 12345 as the section writes it: "12 345". */
  private static String grouped(int n) {
    return String.format(Locale.ROOT, "%,d", n).replace(',', ' ');
  }
}
