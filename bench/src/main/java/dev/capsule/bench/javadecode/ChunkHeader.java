package dev.capsule.bench.javadecode;

import dev.capsule.format.PhysicalLayout;

/**
 * The standard chunk header of the shipped encodings (SPEC.md 6.2): row count, layout, optional
 * validity bitmap, where the payload starts. Checked as far as the fast decoders rely on it.
 */
record ChunkHeader(int rowCount, PhysicalLayout layout, int validityOffset, int payload) {
  static final int SIZE = 8;

  static ChunkHeader parse(byte[] chunk, String encoding) {
    if (chunk.length < SIZE) {
      throw new IllegalArgumentException(encoding + ": chunk of " + chunk.length + " bytes has no header");
    }
    int n = LittleEndian.getInt(chunk, 0);
    PhysicalLayout layout = PhysicalLayout.fromCode(chunk[4] & 0xFF);
    int flags = chunk[5] & 0xFF;
    if (n < 0 || (flags & 0xFE) != 0) {
      throw new IllegalArgumentException(encoding + ": bad header (rows " + n + ", flags " + flags + ")");
    }
    boolean validity = (flags & 1) != 0;
    int payload = SIZE + (validity ? (int) ((n + 7L) >>> 3) : 0);
    if (payload > chunk.length) {
      throw new IllegalArgumentException(encoding + ": validity bitmap runs past the chunk end");
    }
    return new ChunkHeader(n, layout, validity ? SIZE : -1, payload);
  }

  void checkRows(int first, int count) {
    if (first < 0 || count < 0 || (long) first + count > rowCount) {
      throw new IndexOutOfBoundsException("rows " + first + " + " + count + " of a chunk of " + rowCount);
    }
  }
}
