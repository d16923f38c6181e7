package dev.capsule.format;

import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * How the values of one Arrow type are laid out in a chunk and in a decoder's output (SPEC.md,
 * "Physical layouts"). The code is the byte stored in every chunk header.
 */
public enum PhysicalLayout {
  BIT(0, 0),
  FIXED1(1, 1),
  FIXED2(2, 2),
  FIXED4(4, 4),
  FIXED8(8, 8),
  FIXED16(16, 16),
  VARIABLE(255, 0);

  private final int code;
  private final int byteWidth;

  PhysicalLayout(int code, int byteWidth) {
    this.code = code;
    this.byteWidth = byteWidth;
  }

  /** The byte stored in the chunk header. */
  public int code() {
    return code;
  }

  /** Bytes per value for FIXEDw layouts; 0 for BIT and VARIABLE. */
  public int byteWidth() {
    return byteWidth;
  }

  public boolean isFixedWidth() {
    return byteWidth > 0;
  }

  /** Number of Arrow buffers a decoder produces: validity + values, plus offsets for VARIABLE. */
  public int bufferCount() {
    return this == VARIABLE ? 3 : 2;
  }

  public static PhysicalLayout fromCode(int code) {
    for (PhysicalLayout layout : values()) {
      if (layout.code == code) {
        return layout;
      }
    }
    throw new IllegalArgumentException("unknown physical layout code " + code);
  }

  /**
   * The layout of an Arrow type Capsule can store.
   *
   * @throws IllegalArgumentException for types format version 1 does not support
   */
  public static PhysicalLayout of(ArrowType type) {
    switch (type.getTypeID()) {
      case Bool:
        return BIT;
      case Int: {
        return fixed(((ArrowType.Int) type).getBitWidth(), type);
      }
      case FloatingPoint: {
        FloatingPointPrecision p = ((ArrowType.FloatingPoint) type).getPrecision();
        if (p == FloatingPointPrecision.SINGLE) {
          return FIXED4;
        }
        if (p == FloatingPointPrecision.DOUBLE) {
          return FIXED8;
        }
        break;
      }
      case Date:
        if (((ArrowType.Date) type).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY) {
          return FIXED4;
        }
        break;
      case Timestamp: {
        TimeUnit unit = ((ArrowType.Timestamp) type).getUnit();
        if (unit == TimeUnit.MILLISECOND || unit == TimeUnit.MICROSECOND) {
          return FIXED8;
        }
        break;
      }
      case Decimal:
        if (((ArrowType.Decimal) type).getBitWidth() == 128) {
          return FIXED16;
        }
        break;
      case Utf8:
      case Binary:
        return VARIABLE;
      default:
        break;
    }
    throw new IllegalArgumentException("Capsule format version 1 cannot store Arrow type " + type);
  }

  private static PhysicalLayout fixed(int bitWidth, ArrowType type) {
    switch (bitWidth) {
      case 8:
        return FIXED1;
      case 16:
        return FIXED2;
      case 32:
        return FIXED4;
      case 64:
        return FIXED8;
      default:
        throw new IllegalArgumentException("Capsule format version 1 cannot store Arrow type " + type);
    }
  }
}
