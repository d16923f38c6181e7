package dev.capsule.writer.encoding;

import dev.capsule.decoders.reference.ReferenceDecoder;
import dev.capsule.decoders.reference.ReferenceDecoders;
import java.util.List;

/** The encodings the project ships, each with its decoder module in decoders-wasm. */
public final class Encodings {
  private static final Encoding PLAIN = new PlainEncoding();
  private static final Encoding REE = new ReeEncoding();
  private static final Encoding BITPACK = new BitpackEncoding();
  private static final Encoding DICT = new DictEncoding();
  private static final Encoding PARQUET = new ParquetEncoding();
  /** Fastest to decode first: the selector's tie-break order. */
  private static final List<Encoding> BUILT_IN = List.of(PLAIN, BITPACK, REE, DICT, PARQUET);

  private Encodings() {}

  /** capsule.plain: every layout. */
  public static Encoding plain() {
    return PLAIN;
  }

  /** capsule.ree: every layout. */
  public static Encoding ree() {
    return REE;
  }

  /** capsule.bitpack: 1- to 8-byte integers whose range fits 56 bits. */
  public static Encoding bitpack() {
    return BITPACK;
  }

  /** capsule.dict: every layout but BIT. */
  public static Encoding dict() {
    return DICT;
  }

  /**
   * capsule.parquet: Parquet pages (PLAIN or dictionary, snappy when it pays), the fallback for
   * values no other encoding compresses, such as free text. Every layout.
   */
  public static Encoding parquet() {
    return PARQUET;
  }

  /**
   * The plain-Java decoder of a shipped module: the reference decoders of decoders-wasm, and for
   * "parquet" {@link ParquetChunkDecoder} (the chunk checked against SPEC.md section 7.6, the values
   * decoded by parquet-java).
   *
   * @throws IllegalArgumentException for a module the project does not ship
   */
  public static ReferenceDecoder referenceDecoder(String module) {
    return module.equals(PARQUET.decoderModule()) ? new ParquetChunkDecoder() : ReferenceDecoders.forModule(module);
  }

  /** plain, bitpack, ree, dict, parquet: roughly fastest to slowest to decode. */
  public static List<Encoding> builtIn() {
    return BUILT_IN;
  }
}
