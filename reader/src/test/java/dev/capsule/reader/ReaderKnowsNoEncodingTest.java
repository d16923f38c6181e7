package dev.capsule.reader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rule, checked on the reader's own sources and build: no dependency on the modules that
 * know encodings, and no mention of an encoding or decoder module name. (The behavioural half —
 * reading a file whose encoding exists only in a test — is ForeignEncodingTest in the writer module.)
 */
class ReaderKnowsNoEncodingTest {
  private static final Pattern ENCODING_NAMES =
      Pattern.compile("\"(capsule\\.)?(plain|ree|bitpack|dict)\"|capsule\\.(plain|ree|bitpack|dict)\\b");

  @Test
  void theReaderDependsOnNoModuleThatKnowsEncodings() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    assertFalse(pom.contains("capsule-decoders-wasm"), "reader/pom.xml depends on decoders-wasm");
    assertFalse(pom.contains("capsule-writer"), "reader/pom.xml depends on writer");
  }

  @Test
  void theReaderSourcesNameNoEncoding() throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertTrue(sources.size() > 3, "found no reader sources: " + sources);
    for (Path source : sources) {
      String text = Files.readString(source);
      assertFalse(text.contains("dev.capsule.decoders"), source + " imports the decoders module");
      assertFalse(text.contains("dev.capsule.writer"), source + " imports the writer module");
      var matcher = ENCODING_NAMES.matcher(text);
      assertFalse(matcher.find(), () -> source + " names an encoding: " + matcher.group());
    }
  }
}
