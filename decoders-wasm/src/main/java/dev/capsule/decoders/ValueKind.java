package dev.capsule.decoders;

import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * What the bytes of a fixed-width value mean, as far as encoders care: integers can be
 * frame-of-reference bit-packed (and need to know whether to sign-extend), other values are
 * compared only as bit patterns.
 */
public enum ValueKind {
  SIGNED_INTEGER,
  UNSIGNED_INTEGER,
  /** Floats, booleans, strings, binaries, intervals: only equality of bit patterns matters. */
  OPAQUE;

  public static ValueKind of(ArrowType type) {
    type = dev.capsule.format.PhysicalLayout.storageType(type);
    switch (type.getTypeID()) {
      case Int:
        return ((ArrowType.Int) type).getIsSigned() ? SIGNED_INTEGER : UNSIGNED_INTEGER;
      case Date:
      case Time:
      case Timestamp:
      case Duration:
      case Decimal: // the unscaled value: a two's-complement integer of 16 or 32 bytes
        return SIGNED_INTEGER;
      default:
        return OPAQUE;
    }
  }

  public boolean isInteger() {
    return this != OPAQUE;
  }
}
