package dev.capsule.bench.decode;

/** How the values of a generated column are distributed; each suits one encoding. */
public enum Shape {
  /** Independent random values (capsule.plain). */
  RANDOM,
  /** Runs of 1 to 64 equal values, 32 on average (capsule.ree). */
  RUNS,
  /** Integers within a range of 2^11 far from zero: 11-bit deltas (capsule.bitpack). */
  NARROW,
  /** 1,000 distinct values in random order: 10-bit codes (capsule.dict). */
  FEW_DISTINCT,
  /** Strings only: 3 to 8 words of a 2,000-word vocabulary, like TPC-H comments (capsule.parquet). */
  TEXT;

  static final int MAX_RUN = 64;
  static final int NARROW_BITS = 11;
  static final int DISTINCT = 1000;

  /** The shape that suits an encoding for values of a type. */
  public static Shape suiting(String encoding, ValueType type) {
    switch (encoding) {
      case "capsule.parquet": // the fallback: text that only snappy compresses, else Parquet dictionaries
        return type == ValueType.UTF8 ? TEXT : FEW_DISTINCT;
      case "capsule.ree":
        return RUNS;
      case "capsule.bitpack":
        return NARROW;
      case "capsule.dict":
        return FEW_DISTINCT;
      default:
        return RANDOM;
    }
  }
}
