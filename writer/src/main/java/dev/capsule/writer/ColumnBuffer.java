package dev.capsule.writer;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.decoders.ValueKind;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Accumulates the values of one column for the row group being written, in the physical layout of
 * {@link ColumnValues}: validity bits, little-endian data bytes, int32 offsets. Null slots are
 * normalised to zero bytes, false or empty values so that equal data always encodes to equal bytes.
 */
final class ColumnBuffer {
  private final PhysicalLayout layout;
  private final ValueKind kind;
  private final int width;
  private final Field field;

  private int rows;
  private int nulls;
  private byte[] validity = new byte[64];
  private byte[] data = new byte[256];
  private int dataLength;
  private int[] offsets = new int[65];

  ColumnBuffer(Field field) {
    this.field = field;
    this.layout = PhysicalLayout.of(field.getType());
    this.kind = ValueKind.of(field.getType());
    this.width = layout.byteWidth();
  }

  int rowCount() {
    return rows;
  }

  /** Bytes held, to bound the memory a row group may take. */
  long bufferedBytes() {
    return (long) dataLength + (layout == PhysicalLayout.VARIABLE ? 4L * rows : 0) + rows / 8;
  }

  /** Appends rows [from, from + count) of the vector. */
  void append(FieldVector column, int from, int count) {
    // An extension type is stored as its storage type: its vector wraps one of that type.
    FieldVector vector = column instanceof ExtensionTypeVector<?> extension ? extension.getUnderlyingVector() : column;
    ensureValidity(rows + count);
    ArrowBuf validityBuf = vector.getValidityBuffer();
    boolean mayHaveNulls = vector.getNullCount() > 0;
    if (mayHaveNulls && !field.isNullable()) {
      throw new IllegalArgumentException("column '" + field.getName() + "' is declared not null but the batch has "
          + vector.getNullCount() + " null(s)");
    }
    for (int i = 0; i < count; i++) {
      boolean valid = !mayHaveNulls || BitVectorHelper.get(validityBuf, from + i) != 0;
      if (valid) {
        validity[(rows + i) >>> 3] |= (byte) (1 << ((rows + i) & 7));
      } else {
        nulls++;
      }
    }
    switch (layout.kind()) {
      case BIT:
        appendBits((BitVector) vector, from, count);
        break;
      case VARIABLE:
        appendVariable((BaseVariableWidthVector) vector, from, count);
        break;
      default:
        appendFixed(vector, from, count);
    }
    rows += count;
  }

  private boolean isValid(int row) {
    return (validity[row >>> 3] & (1 << (row & 7))) != 0;
  }

  private void appendFixed(FieldVector vector, int from, int count) {
    int bytes = Math.multiplyExact(count, width);
    ensureData(dataLength + bytes);
    vector.getDataBuffer().getBytes((long) from * width, data, dataLength, bytes);
    if (nulls > 0) {
      for (int i = 0; i < count; i++) {
        if (!isValid(rows + i)) {
          Arrays.fill(data, dataLength + i * width, dataLength + (i + 1) * width, (byte) 0);
        }
      }
    }
    dataLength += bytes;
  }

  private void appendBits(BitVector vector, int from, int count) {
    ensureData((rows + count + 7) / 8);
    ArrowBuf values = vector.getDataBuffer();
    for (int i = 0; i < count; i++) {
      int row = rows + i;
      if (isValid(row) && BitVectorHelper.get(values, from + i) != 0) {
        data[row >>> 3] |= (byte) (1 << (row & 7));
      }
    }
    dataLength = (rows + count + 7) / 8;
  }

  private void appendVariable(BaseVariableWidthVector vector, int from, int count) {
    if (offsets.length < rows + count + 1) {
      offsets = Arrays.copyOf(offsets, Math.max(rows + count + 1, offsets.length * 2));
    }
    ArrowBuf sourceOffsets = vector.getOffsetBuffer();
    ArrowBuf sourceData = vector.getDataBuffer();
    int start = sourceOffsets.getInt((long) from * 4);
    int end = sourceOffsets.getInt((long) (from + count) * 4);
    ensureData(dataLength + (end - start));
    for (int i = 0; i < count; i++) {
      int row = rows + i;
      if (isValid(row)) {
        int valueStart = sourceOffsets.getInt((long) (from + i) * 4);
        int length = sourceOffsets.getInt((long) (from + i + 1) * 4) - valueStart;
        sourceData.getBytes(valueStart, data, dataLength, length);
        dataLength += length;
      }
      offsets[row + 1] = dataLength;
    }
  }

  private void ensureValidity(int rowCapacity) {
    int needed = (rowCapacity + 7) / 8;
    if (validity.length < needed) {
      validity = Arrays.copyOf(validity, Math.max(needed, validity.length * 2));
    }
  }

  private void ensureData(int capacity) {
    if (capacity < 0) {
      throw new IllegalStateException("column chunk exceeds 2 GiB; use smaller row groups");
    }
    if (data.length < capacity) {
      data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(capacity, data.length * 2L)));
    }
  }

  /** The buffered values; the buffer is reset and can take the next row group. */
  ColumnValues drain() {
    ColumnValues values = new ColumnValues(layout, kind, rows,
        nulls == 0 ? null : Arrays.copyOf(validity, (rows + 7) / 8),
        Arrays.copyOf(data, layout == PhysicalLayout.BIT ? (rows + 7) / 8 : dataLength),
        layout == PhysicalLayout.VARIABLE ? Arrays.copyOf(offsets, rows + 1) : null);
    rows = 0;
    nulls = 0;
    dataLength = 0;
    Arrays.fill(validity, (byte) 0);
    Arrays.fill(data, (byte) 0);
    return values;
  }
}
