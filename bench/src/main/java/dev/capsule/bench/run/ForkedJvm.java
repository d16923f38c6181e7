package dev.capsule.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * A launcher for JMH forks that need environment variables (JMH sets only JVM arguments): a small
 * shell script that exports them and executes this JVM's {@code java}, given to JMH as the fork's
 * "jvm".
 */
public final class ForkedJvm {
  private ForkedJvm() {}

  /** Writes the launcher into dir and returns its path. */
  public static Path withEnvironment(Path dir, Map<String, String> environment) throws IOException {
    StringBuilder script = new StringBuilder("#!/bin/sh\n# JMH fork launcher written by dev.capsule.bench.run.ForkedJvm\n");
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("not an environment variable name: " + e.getKey());
      }
      script.append("export ").append(e.getKey()).append('=').append(quote(e.getValue())).append('\n');
    }
    script.append("exec ").append(quote(javaExecutable())).append(" \"$@\"\n");
    Files.createDirectories(dir);
    Path file = Files.createTempFile(dir, "fork-", ".sh");
    Files.writeString(file, script);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    file.toFile().deleteOnExit();
    return file;
  }

  /** The java launcher of the running JVM, as JMH uses by default. */
  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String quote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}
