package dev.capsule.bench.javadecode;

import java.util.List;

/** The plain-Java decoders of the shipped encodings, by encoding name. */
public final class JavaDecoders {
  private JavaDecoders() {}

  /** Encodings with a plain-Java decoder, in the order of {@code EncodingSelector}'s tie-break. */
  public static List<String> encodings() {
    return List.of("capsule.plain", "capsule.bitpack", "capsule.ree", "capsule.dict", "capsule.parquet");
  }

  /**
   * Opens a decoder over a whole chunk (the array is not copied and must not change).
   *
   * @throws IllegalArgumentException for an encoding without a plain-Java decoder, or a malformed chunk
   */
  public static JavaChunkDecoder open(String encoding, byte[] chunk) {
    switch (encoding) {
      case "capsule.plain":
        return new PlainJavaDecoder(chunk);
      case "capsule.ree":
        return new ReeJavaDecoder(chunk);
      case "capsule.bitpack":
        return new BitpackJavaDecoder(chunk);
      case "capsule.dict":
        return new DictJavaDecoder(chunk);
      case "capsule.parquet":
        return new ParquetJavaDecoder(chunk);
      default:
        throw new IllegalArgumentException("no plain-Java decoder for encoding '" + encoding + "'; known: " + encodings());
    }
  }
}
