package dev.capsule.decoders;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The WebAssembly decoder modules the project ships, built from {@code src/main/c} by {@code
 * build.sh} and checked in as resources under {@code dev/capsule/decoders/}.
 *
 * <p>Module {@code m} decodes the encoding named {@code capsule.m} (SPEC.md) and implements the
 * decoder ABI version {@link #abiVersion} gives.
 */
public final class ShippedDecoders {
  public static final String PLAIN = "plain";
  public static final String REE = "ree";
  public static final String BITPACK = "bitpack";
  public static final String DICT = "dict";
  /** Parquet pages (dictionary and data pages v1/v2, PLAIN and dictionary encodings, snappy). */
  public static final String PARQUET = "parquet";

  private static final List<String> MODULES = List.of(PLAIN, REE, BITPACK, DICT, PARQUET);
  private static final String ENCODING_PREFIX = "capsule.";
  private static final String RESOURCE_DIR = "/dev/capsule/decoders/";

  private ShippedDecoders() {}

  /** The module names: plain, ree, bitpack, dict, parquet. */
  public static List<String> modules() {
    return MODULES;
  }

  /** The encoding a module decodes, e.g. {@code "capsule.ree"} for {@code "ree"}. */
  public static String encodingName(String module) {
    return ENCODING_PREFIX + checkName(module);
  }

  /**
   * The decoder ABI a module implements ({@code capsule_abi()} returns it): 3 for ree and dict, which
   * hand over variable-width runs and dictionaries for the host to expand (SPEC 8.7); 2 for plain,
   * whose variable-width offsets are returned in place and so need not start at 0 (SPEC 8.6); 1 for
   * the others, which need nothing newer and so stay readable by readers that know only v1.
   */
  public static int abiVersion(String module) {
    switch (checkName(module)) {
      case REE:
      case DICT:
        return 3;
      case PLAIN:
        return 2;
      default:
        return 1;
    }
  }

  /**
   * The bytes of a module (a fresh copy on every call).
   *
   * @throws IllegalArgumentException if {@code module} is not one of {@link #modules()}
   */
  public static byte[] bytes(String module) {
    String resource = RESOURCE_DIR + checkName(module) + ".wasm";
    try (InputStream in = ShippedDecoders.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("decoder module resource " + resource + " is missing");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read decoder module resource " + resource, e);
    }
  }

  private static String checkName(String module) {
    if (module == null || !MODULES.contains(module)) {
      throw new IllegalArgumentException(
          "unknown decoder module '" + module + "'; the shipped modules are " + MODULES);
    }
    return module;
  }
}
