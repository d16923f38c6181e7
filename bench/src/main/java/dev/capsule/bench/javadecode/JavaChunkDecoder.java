package dev.capsule.bench.javadecode;

import org.apache.arrow.vector.FieldVector;

/**
 * A plain-Java decoder of one column chunk of a shipped encoding: the same chunk bytes and the same
 * output as the encoding's wasm decoder, written for speed (tight loops over a heap copy of the
 * chunk, output straight into the vector's off-heap buffers). The benchmark's "same algorithm in plain
 * Java" peer; the reference decoders in decoders-wasm are its test oracle.
 *
 * <p>Handles the layouts the decode benchmarks use: FIXED4, FIXED8 and VARIABLE.
 */
public interface JavaChunkDecoder {
  /** Rows in the chunk. */
  int rowCount();

  /**
   * Decodes rows [first, first + count) into vector (of the column's type), reusing its buffers.
   *
   * @throws IllegalArgumentException if the chunk is malformed where these rows need it
   */
  void decodeInto(int first, int count, FieldVector vector);
}
