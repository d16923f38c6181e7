package dev.capsule.format;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * How the values of one Arrow type are laid out in a chunk and in a decoder's output (SPEC.md,
 * "Physical layouts"): {@code BIT}, {@code FIXEDw} for a width of 1 to 254 bytes, or
 * {@code VARIABLE}. The code is the byte stored in every chunk header of the shipped encodings: 0
 * for BIT, w for FIXEDw, 255 for VARIABLE.
 *
 * <p>Instances are canonical (one per code), so they compare with {@code ==}.
 */
public final class PhysicalLayout {
  /** What a layout's buffers look like; switch on this, the width says the rest. */
  public enum Kind {
    BIT,
    FIXED,
    VARIABLE
  }

  /** The widest FIXEDw: code 255 is VARIABLE. */
  public static final int MAX_FIXED_WIDTH = 254;

  private static final PhysicalLayout[] BY_CODE = new PhysicalLayout[256];

  static {
    BY_CODE[0] = new PhysicalLayout(Kind.BIT, 0, 0);
    for (int w = 1; w <= MAX_FIXED_WIDTH; w++) {
      BY_CODE[w] = new PhysicalLayout(Kind.FIXED, w, w);
    }
    BY_CODE[255] = new PhysicalLayout(Kind.VARIABLE, 255, 0);
  }

  public static final PhysicalLayout BIT = BY_CODE[0];
  public static final PhysicalLayout FIXED1 = BY_CODE[1];
  public static final PhysicalLayout FIXED2 = BY_CODE[2];
  public static final PhysicalLayout FIXED4 = BY_CODE[4];
  public static final PhysicalLayout FIXED8 = BY_CODE[8];
  public static final PhysicalLayout FIXED16 = BY_CODE[16];
  public static final PhysicalLayout VARIABLE = BY_CODE[255];

  private final Kind kind;
  private final int code;
  private final int byteWidth;

  private PhysicalLayout(Kind kind, int code, int byteWidth) {
    this.kind = kind;
    this.code = code;
    this.byteWidth = byteWidth;
  }

  /** FIXEDw. */
  public static PhysicalLayout fixed(int byteWidth) {
    if (byteWidth < 1 || byteWidth > MAX_FIXED_WIDTH) {
      throw new IllegalArgumentException("fixed-width values must be 1 to " + MAX_FIXED_WIDTH + " bytes wide, not " + byteWidth);
    }
    return BY_CODE[byteWidth];
  }

  public Kind kind() {
    return kind;
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
    return kind == Kind.FIXED;
  }

  /** Number of Arrow buffers a decoder produces: validity + values, plus offsets for VARIABLE. */
  public int bufferCount() {
    return kind == Kind.VARIABLE ? 3 : 2;
  }

  public static PhysicalLayout fromCode(int code) {
    if (code < 0 || code > 255) {
      throw new IllegalArgumentException("unknown physical layout code " + code);
    }
    return BY_CODE[code];
  }

  /**
   * The layout of an Arrow type Capsule can store (SPEC.md section 5.2).
   *
   * @throws IllegalArgumentException for types the format does not support
   */
  public static PhysicalLayout of(ArrowType type) {
    ArrowType stored = storageType(type);
    switch (stored.getTypeID()) {
      case Bool:
        return BIT;
      case Int:
        return intLayout(((ArrowType.Int) stored).getBitWidth(), type);
      case FloatingPoint: {
        FloatingPointPrecision p = ((ArrowType.FloatingPoint) stored).getPrecision();
        return p == FloatingPointPrecision.HALF ? FIXED2 : p == FloatingPointPrecision.SINGLE ? FIXED4 : FIXED8;
      }
      case Date:
        return ((ArrowType.Date) stored).getUnit() == DateUnit.DAY ? FIXED4 : FIXED8;
      case Time: {
        // Arrow's own pairs only: time32 in s or ms, time64 in us or ns.
        ArrowType.Time time = (ArrowType.Time) stored;
        boolean coarse = time.getUnit() == TimeUnit.SECOND || time.getUnit() == TimeUnit.MILLISECOND;
        if (time.getBitWidth() == (coarse ? 32 : 64)) {
          return coarse ? FIXED4 : FIXED8;
        }
        break;
      }
      case Timestamp:
      case Duration:
        return FIXED8;
      case Interval:
        switch (((ArrowType.Interval) stored).getUnit()) {
          case YEAR_MONTH:
            return FIXED4;
          case DAY_TIME:
            return FIXED8;
          default:
            return FIXED16; // MONTH_DAY_NANO: i32 months, i32 days, i64 nanoseconds
        }
      case Decimal: {
        int bits = ((ArrowType.Decimal) stored).getBitWidth();
        if (bits == 128 || bits == 256) {
          return fixed(bits / 8);
        }
        break;
      }
      case FixedSizeBinary: {
        int width = ((ArrowType.FixedSizeBinary) stored).getByteWidth();
        if (width >= 1 && width <= MAX_FIXED_WIDTH) {
          return fixed(width);
        }
        throw new IllegalArgumentException("Capsule stores fixed-size binary values of 1 to " + MAX_FIXED_WIDTH
            + " bytes, not " + width + " (Arrow type " + type + ")");
      }
      case Utf8:
      case Binary:
        return VARIABLE;
      default:
        break;
    }
    throw new IllegalArgumentException("Capsule cannot store Arrow type " + type);
  }

  /**
   * The type whose values are stored: an extension type (such as the canonical {@code arrow.uuid})
   * is stored as its storage type; every other type is its own.
   */
  public static ArrowType storageType(ArrowType type) {
    return type instanceof ArrowType.ExtensionType ? ((ArrowType.ExtensionType) type).storageType() : type;
  }

  private static PhysicalLayout intLayout(int bitWidth, ArrowType type) {
    switch (bitWidth) {
      case 8:
      case 16:
      case 32:
      case 64:
        return fixed(bitWidth / 8);
      default:
        throw new IllegalArgumentException("Capsule cannot store Arrow type " + type);
    }
  }

  /** BIT, FIXED4, VARIABLE, ...: the names SPEC.md uses. */
  @Override
  public String toString() {
    return kind == Kind.FIXED ? "FIXED" + byteWidth : kind.name();
  }
}
