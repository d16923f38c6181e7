package dev.capsule.writer.encoding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Loads and stores of 1-, 2-, 4- and 8-byte little-endian values. The switch on the width is the
 * same for every row of a loop, so the JIT hoists it; there is no per-value virtual call. Public
 * only so that the writer's chunk statistics read values the way the encoders do.
 */
public final class FixedValues {
  private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private FixedValues() {}

  /**
   * Whether values of this layout fit the 64-bit loads of {@link #load} (FIXED1, 2, 4 and 8); other
   * fixed widths (12, 16, 32, ...) are handled as byte slices.
   */
  public static boolean isWord(dev.capsule.format.PhysicalLayout layout) {
    int w = layout.byteWidth();
    return layout.isFixedWidth() && (w == 1 || w == 2 || w == 4 || w == 8);
  }

  /** Value {@code row} of a FIXEDw column, sign-extended (signed) or zero-extended to 64 bits. */
  public static long load(byte[] data, int row, int width, boolean signed) {
    switch (width) {
      case 1:
        return signed ? data[row] : data[row] & 0xFFL;
      case 2: {
        short v = (short) SHORT.get(data, row << 1);
        return signed ? v : v & 0xFFFFL;
      }
      case 4: {
        int v = (int) INT.get(data, row << 2);
        return signed ? v : v & 0xFFFF_FFFFL;
      }
      case 8:
        return (long) LONG.get(data, row << 3);
      default:
        throw new IllegalArgumentException("not a 1, 2, 4 or 8 byte width: " + width);
    }
  }

  /** Stores the low {@code width} bytes of {@code value} at byte offset {@code at}. */
  static void store(byte[] out, int at, long value, int width) {
    switch (width) {
      case 1:
        out[at] = (byte) value;
        break;
      case 2:
        SHORT.set(out, at, (short) value);
        break;
      case 4:
        INT.set(out, at, (int) value);
        break;
      case 8:
        LONG.set(out, at, value);
        break;
      default:
        throw new IllegalArgumentException("not a 1, 2, 4 or 8 byte width: " + width);
    }
  }

  static void putInt(byte[] out, int at, int value) {
    INT.set(out, at, value);
  }

  static void putLong(byte[] out, int at, long value) {
    LONG.set(out, at, value);
  }

  static long getLong(byte[] data, int at) {
    return (long) LONG.get(data, at);
  }

  public static boolean bit(byte[] bitmap, int i) {
    return (bitmap[i >>> 3] & (1 << (i & 7))) != 0;
  }
}
