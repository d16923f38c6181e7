package dev.capsule.writer.encoding;

import dev.capsule.decoders.ColumnValues;

/**
 * One way of turning a column chunk into bytes, paired with the wasm decoder module that turns them
 * back into Arrow buffers. Choosing is analyze → {@link #estimateSize} → {@link #encode}; see
 * {@link EncodingSelector}.
 *
 * <p>Implementations outside this package are welcome (a test can plug in an encoding whose decoder
 * the project never shipped): the file writer stores whatever {@link #decoderModuleBytes()} returns
 * and the reader knows nothing else about the encoding.
 *
 * <p>Null rows: the values a chunk holds in null slots are not part of the data. The built-in
 * encoders store zero bits in every per-row slot of a null row (a plain value, a bit-packed delta,
 * a dictionary code) and let null rows join the surrounding run in capsule.ree, so a decoder may
 * output any value of the chunk in a null slot. Everything else round-trips exactly.
 */
public interface Encoding {

  /** The name recorded in the footer, e.g. "capsule.plain". Unique among the encodings of a writer. */
  String name();

  /** The name of the decoder module, e.g. "plain"; encodings with equal module names share one module. */
  String decoderModule();

  /** The name the footer records for the decoder module; informational, readers ignore it. */
  default String decoderName() {
    return decoderModule();
  }

  /** The wasm module that decodes this encoding's chunks, stored once per file (by its SHA-256). */
  byte[] decoderModuleBytes();

  /**
   * The decoder ABI version the module implements (what its capsule_abi returns); the footer
   * declares it, and a module of ABI 2 makes the file format 1.2, one of ABI 3 format 1.3 (SPEC 12).
   */
  default int decoderAbiVersion() {
    return 1;
  }

  /**
   * Whether this encoding can encode the analyzed values and the analysis holds what
   * {@link #estimateSize} needs.
   */
  boolean supports(ColumnAnalysis analysis);

  /**
   * Bytes of the whole chunk {@link #encode} would produce for the analyzed values; only called when
   * {@link #supports} is true. The built-in encodings are exact; an approximation only costs
   * compression.
   */
  long estimateSize(ColumnAnalysis analysis);

  /**
   * The whole chunk: header, validity bitmap, payload.
   *
   * @param analysis an analysis of exactly these values, for which {@link #supports} is true
   * @throws IllegalArgumentException if this encoding cannot encode the values
   */
  byte[] encode(ColumnValues values, ColumnAnalysis analysis);

  /** {@link #encode(ColumnValues, ColumnAnalysis)} with a fresh analysis. */
  default byte[] encode(ColumnValues values) {
    return encode(values, ColumnAnalysis.of(values));
  }
}
