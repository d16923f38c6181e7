package dev.capsule.format;

import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The fixed parts of a Capsule file (SPEC.md, "File layout"). */
public final class FileLayout {
  /** "CAPS" in ASCII, at the start and at the very end of every file. */
  public static final byte[] MAGIC = {'C', 'A', 'P', 'S'};

  public static final int FORMAT_MAJOR = 1;

  /** Magic, u8 major, u8 minor, u16 reserved. */
  public static final int HEADER_SIZE = 8;

  /** Where the header's minor version byte is. */
  public static final int MINOR_VERSION_OFFSET = 5;

  /** u32 footer length, u32 CRC-32C of the footer, magic. */
  public static final int TRAILER_SIZE = 12;

  /**
   * The decoder ABI versions this reader runs: v1; v2 (format 1.2), whose offsets may start
   * anywhere; v3 (format 1.3), whose variable-width output may come in dictionary or run-end form.
   */
  public static final int MIN_DECODER_ABI = 1;
  public static final int MAX_DECODER_ABI = 3;

  /** Footers larger than this are refused before they are read (a corrupt length would OOM). */
  public static final int MAX_FOOTER_SIZE = 64 << 20;

  /** Decoder modules larger than this are refused; the shipped ones are a few KiB. */
  public static final int MAX_DECODER_SIZE = 16 << 20;

  /** Statistics of utf8/binary chunks are left out when min or max is longer than this. */
  public static final int MAX_BINARY_STATISTIC = 64;

  private FileLayout() {}

  public static boolean isSupportedAbi(int abiVersion) {
    return abiVersion >= MIN_DECODER_ABI && abiVersion <= MAX_DECODER_ABI;
  }

  /** The lowest minor version a file may say when it stores a module of this decoder ABI (SPEC 12). */
  public static int minorVersionForAbi(int abiVersion) {
    return abiVersion >= 2 ? abiVersion : 0;
  }

  public static byte[] header(int minor) {
    return new byte[] {'C', 'A', 'P', 'S', (byte) FORMAT_MAJOR, (byte) minor, 0, 0}; // minor at MINOR_VERSION_OFFSET
  }

  /**
   * The lowest minor version whose types a schema uses (SPEC.md section 12: writers say the lowest
   * they need, so readers of 1.0 still read files that use nothing newer): 0 when every field has
   * a type of format 1.0, 1 otherwise.
   */
  public static int minorVersionFor(Schema schema) {
    for (Field field : schema.getFields()) {
      if (!isFormat10Type(PhysicalLayout.storageType(field.getType()))) {
        return 1;
      }
    }
    return 0;
  }

  /** Bool, Int, Float32/64, Date(DAY), Timestamp(ms or us), Decimal128, Utf8, Binary. */
  private static boolean isFormat10Type(ArrowType type) {
    switch (type.getTypeID()) {
      case Bool:
      case Int:
      case Utf8:
      case Binary:
        return true;
      case FloatingPoint:
        return ((ArrowType.FloatingPoint) type).getPrecision() != FloatingPointPrecision.HALF;
      case Date:
        return ((ArrowType.Date) type).getUnit() == DateUnit.DAY;
      case Timestamp: {
        TimeUnit unit = ((ArrowType.Timestamp) type).getUnit();
        return unit == TimeUnit.MILLISECOND || unit == TimeUnit.MICROSECOND;
      }
      case Decimal:
        return ((ArrowType.Decimal) type).getBitWidth() == 128;
      default:
        return false;
    }
  }
}
