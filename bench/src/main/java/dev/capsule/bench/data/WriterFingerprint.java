package dev.capsule.bench.data;

import dev.capsule.decoders.ShippedDecoders;
import dev.capsule.writer.CapsuleWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What a cached Capsule file was written with: a SHA-256 over the shipped decoder modules and the
 * classes of the writer. A cached file whose fingerprint differs from the running code's is written
 * again, so the benchmarks always measure the files today's writer makes.
 */
final class WriterFingerprint {
  /** Footer metadata key of the fingerprint. */
  static final String KEY = "capsule.bench.writer";
  private static final String WRITER_CLASSES = "dev/capsule/writer/";

  private static String current;

  private WriterFingerprint() {}

  static synchronized String current() {
    if (current == null) {
      current = compute();
    }
    return current;
  }

  private static String compute() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String module : ShippedDecoders.modules()) {
        sha.update(ShippedDecoders.bytes(module));
      }
      Path code = Path.of(CapsuleWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(code)) {
        try (Stream<Path> files = Files.walk(code.resolve(WRITER_CLASSES))) {
          for (Path file : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
            sha.update(code.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(file));
          }
        }
      } else {
        try (JarFile jar = new JarFile(code.toFile())) {
          List<JarEntry> entries = jar.stream().filter(e -> e.getName().startsWith(WRITER_CLASSES))
              .sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
          for (JarEntry entry : entries) {
            sha.update(entry.getName().getBytes(StandardCharsets.UTF_8));
            try (InputStream in = jar.getInputStream(entry)) {
              sha.update(in.readAllBytes());
            }
          }
        }
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the writer's classes to fingerprint them", e);
    } catch (NoSuchAlgorithmException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
