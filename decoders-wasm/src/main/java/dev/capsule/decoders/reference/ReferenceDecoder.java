package dev.capsule.decoders.reference;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;

/**
 * A plain-Java decoder of one encoding, written straight from the chunk contract: the oracle that
 * the wasm decoders and the encoders are tested against. Correctness over speed: every call checks
 * the whole chunk, not only the requested rows.
 *
 * <p>Obtain one with {@link ReferenceDecoders#forModule(String)}.
 */
public interface ReferenceDecoder {

  /** The decoder module this decoder mirrors: "plain", "ree", "bitpack" or "dict". */
  String module();

  /**
   * Decodes rows [firstRow, firstRow + rowCount) of a whole chunk (header, validity, payload).
   * Output bitmaps start at bit 0 for firstRow. Null rows hold whatever the chunk stores in their
   * slot, as a wasm decoder would output it.
   *
   * @param kind recorded in the result; decoding never depends on it
   * @throws IllegalArgumentException if the chunk is malformed (the message names the byte offset),
   *     or if the rows are not within the chunk
   */
  ColumnValues decode(byte[] chunk, ValueKind kind, int firstRow, int rowCount);

  /** {@link #decode(byte[], ValueKind, int, int)} for values whose meaning does not matter. */
  default ColumnValues decode(byte[] chunk, int firstRow, int rowCount) {
    return decode(chunk, ValueKind.OPAQUE, firstRow, rowCount);
  }

  /** Decodes every row of the chunk. */
  default ColumnValues decodeAll(byte[] chunk, ValueKind kind) {
    return decode(chunk, kind, 0, ChunkHeader.parse(chunk, "capsule." + module()).rowCount());
  }
}
