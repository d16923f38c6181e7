package dev.capsule.bench.data;

import dev.capsule.decoders.ShippedDecoders;
import dev.capsule.format.FileLayout;
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
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.parquet.Version;

/**
 * What a cached Capsule file was written with: a SHA-256 over the shipped decoder modules, the
 * classes of the writer, decoders-wasm and format-spec, and parquet-java's version. A cached file whose fingerprint differs from the running code's is written
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
      // The writer, the encoders' shared code (layouts, value kinds) and the Parquet pages' writer.
      addClasses(sha, CapsuleWriter.class, WRITER_CLASSES);
      addClasses(sha, ShippedDecoders.class, "dev/capsule/decoders/");
      addClasses(sha, FileLayout.class, "dev/capsule/format/");
      sha.update(Version.FULL_VERSION.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the writer's classes to fingerprint them", e);
    } catch (NoSuchAlgorithmException | URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds the name and bytes of every class under prefix in the folder or jar that holds anchor. */
  private static void addClasses(MessageDigest sha, Class<?> anchor, String prefix) throws IOException, URISyntaxException {
    Path code = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(code)) {
      try (Stream<Path> files = Files.walk(code.resolve(prefix))) {
        for (Path file : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
          sha.update(code.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
          sha.update(Files.readAllBytes(file));
        }
      }
      return;
    }
    try (JarFile jar = new JarFile(code.toFile())) {
      List<JarEntry> entries = jar.stream().filter(e -> e.getName().startsWith(prefix) && e.getName().endsWith(".class"))
          .sorted(Comparator.comparing(JarEntry::getName)).toList();
      for (JarEntry entry : entries) {
        sha.update(entry.getName().getBytes(StandardCharsets.UTF_8));
        try (InputStream in = jar.getInputStream(entry)) {
          sha.update(in.readAllBytes());
        }
      }
    }
  }
}
