package dev.capsule.bench.javadecode;

import dev.capsule.format.PhysicalLayout;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;

/** capsule.plain: fixed-width rows are one memcpy; variable-width rows rebase offsets and copy data. */
final class PlainJavaDecoder implements JavaChunkDecoder {
  private static final String ENCODING = "capsule.plain";
  private final byte[] chunk;
  private final ChunkHeader header;
  private final int width;
  /** VARIABLE: start of the data bytes. */
  private final int dataStart;

  PlainJavaDecoder(byte[] chunk) {
    this.chunk = chunk;
    this.header = ChunkHeader.parse(chunk, ENCODING);
    PhysicalLayout layout = header.layout();
    long end;
    if (layout == PhysicalLayout.VARIABLE) {
      width = 0;
      dataStart = header.payload() + 4 * (header.rowCount() + 1);
      if (dataStart > chunk.length) {
        throw new IllegalArgumentException(ENCODING + ": offsets run past the chunk end");
      }
      end = dataStart + (long) LittleEndian.getInt(chunk, dataStart - 4);
    } else if (layout.isFixedWidth()) {
      width = layout.byteWidth();
      dataStart = header.payload();
      end = dataStart + (long) header.rowCount() * width;
    } else {
      throw new IllegalArgumentException(ENCODING + ": layout " + layout + " is not handled here");
    }
    if (end != chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": chunk is " + chunk.length + " bytes, its sections " + end);
    }
  }

  @Override
  public int rowCount() {
    return header.rowCount();
  }

  @Override
  public void decodeInto(int first, int count, FieldVector vector) {
    header.checkRows(first, count);
    if (width > 0) {
      long out = ArrowOutput.fixedValues(vector, count);
      MemoryUtil.copyToMemory(chunk, dataStart + (long) first * width, out, (long) count * width);
    } else {
      decodeVariable(first, count, vector);
    }
    ArrowOutput.validity(vector, chunk, header.validityOffset(), first, count);
    ArrowOutput.finish(vector, count);
  }

  private void decodeVariable(int first, int count, FieldVector vector) {
    long offsets = ArrowOutput.variableOffsets(vector, count);
    int in = header.payload() + 4 * first;
    int base = LittleEndian.getInt(chunk, in);
    int previous = base;
    for (int j = 1; j <= count; j++) {
      int next = LittleEndian.getInt(chunk, in + 4 * j);
      if (next < previous) {
        throw new IllegalArgumentException(ENCODING + ": offsets decrease at row " + (first + j));
      }
      MemoryUtil.putInt(offsets + 4L * j, next - base);
      previous = next;
    }
    MemoryUtil.putInt(offsets, 0);
    int bytes = previous - base;
    if ((long) dataStart + previous > chunk.length) {
      throw new IllegalArgumentException(ENCODING + ": offset " + previous + " is past the data");
    }
    long data = ArrowOutput.variableData(vector, Math.max(bytes, 1));
    MemoryUtil.copyToMemory(chunk, dataStart + base, data, bytes);
  }
}
