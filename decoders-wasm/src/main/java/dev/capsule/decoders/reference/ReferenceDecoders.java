package dev.capsule.decoders.reference;

import java.util.List;

/** The reference decoders of the encodings the project ships. */
public final class ReferenceDecoders {
  private static final List<String> MODULES = List.of("plain", "ree", "bitpack", "dict");

  private ReferenceDecoders() {}

  /**
   * The reference decoder for a decoder module name ("plain", "ree", "bitpack", "dict").
   *
   * @throws IllegalArgumentException for any other name
   */
  public static ReferenceDecoder forModule(String module) {
    switch (module) {
      case "plain":
        return new PlainReferenceDecoder();
      case "ree":
        return new ReeReferenceDecoder();
      case "bitpack":
        return new BitpackReferenceDecoder();
      case "dict":
        return new DictReferenceDecoder();
      default:
        throw new IllegalArgumentException("no reference decoder for module '" + module + "'; known: " + MODULES);
    }
  }

  /** The module names {@link #forModule(String)} accepts, in a fixed order. */
  public static List<String> modules() {
    return MODULES;
  }
}
