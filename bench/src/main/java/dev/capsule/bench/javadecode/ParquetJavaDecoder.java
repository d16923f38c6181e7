package dev.capsule.bench.javadecode;

import dev.capsule.format.PhysicalLayout;
import dev.capsule.writer.encoding.ParquetChunkDecoder;
import java.nio.ByteBuffer;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * capsule.parquet in plain Java: parquet-java's own column reader over the chunk's pages (snappy
 * pages decompressed once, when the chunk is opened), values copied into the vector's buffers. It
 * reads forward, so batches in order cost one pass; a batch before the current row starts a new
 * reader.
 */
final class ParquetJavaDecoder implements JavaChunkDecoder {
  private final ParquetChunkDecoder.OpenChunk chunk;
  private final int width;
  private ColumnReader reader;
  private int row;

  ParquetJavaDecoder(byte[] bytes) {
    this.chunk = ParquetChunkDecoder.open(bytes);
    PhysicalLayout layout = chunk.layout();
    if (layout != PhysicalLayout.FIXED4 && layout != PhysicalLayout.FIXED8 && layout != PhysicalLayout.VARIABLE) {
      throw new IllegalArgumentException("capsule.parquet: layout " + layout + " is not handled here");
    }
    PrimitiveTypeName physical = chunk.physicalType();
    if (physical != PrimitiveTypeName.INT32 && physical != PrimitiveTypeName.INT64 && physical != PrimitiveTypeName.BINARY) {
      throw new IllegalArgumentException("capsule.parquet: physical type " + physical + " is not handled here");
    }
    this.width = layout.byteWidth();
  }

  @Override
  public int rowCount() {
    return chunk.rowCount();
  }

  @Override
  public void decodeInto(int first, int count, FieldVector vector) {
    if (first < 0 || count < 0 || (long) first + count > chunk.rowCount()) {
      throw new IllegalArgumentException("rows [" + first + ", " + ((long) first + count) + ") are outside the chunk");
    }
    if (reader == null || first < row) {
      reader = chunk.reader();
      row = 0;
    }
    int maxDefinition = chunk.maxDefinition();
    for (; row < first; row++) {
      if (reader.getCurrentDefinitionLevel() == maxDefinition) {
        reader.skip();
      }
      reader.consume();
    }
    if (width == 0) {
      decodeVariable(count, vector, maxDefinition);
    } else {
      decodeFixed(count, vector, maxDefinition);
    }
    row += count;
    ArrowOutput.finish(vector, count);
  }

  private void decodeFixed(int count, FieldVector vector, int maxDefinition) {
    long out = ArrowOutput.fixedValues(vector, count);
    long validity = vector.getValidityBuffer().memoryAddress();
    MemoryUtil.setMemory(validity, (count + 7) >>> 3, (byte) 0);
    for (int i = 0; i < count; i++) {
      if (reader.getCurrentDefinitionLevel() == maxDefinition) {
        if (width == 4) {
          MemoryUtil.putInt(out + 4L * i, reader.getInteger());
        } else {
          MemoryUtil.putLong(out + 8L * i, reader.getLong());
        }
        BitVectorHelper.setBit(vector.getValidityBuffer(), i);
      }
      reader.consume();
    }
  }

  private void decodeVariable(int count, FieldVector vector, int maxDefinition) {
    long offsets = ArrowOutput.variableOffsets(vector, count);
    MemoryUtil.setMemory(vector.getValidityBuffer().memoryAddress(), (count + 7) >>> 3, (byte) 0);
    MemoryUtil.putInt(offsets, 0);
    long size = 0;
    for (int i = 0; i < count; i++) {
      if (reader.getCurrentDefinitionLevel() == maxDefinition) {
        ByteBuffer value = reader.getBinary().toByteBuffer();
        int length = value.remaining();
        long data = ArrowOutput.variableData(vector, Math.max(1, size + length));
        if (value.hasArray()) {
          MemoryUtil.copyToMemory(value.array(), value.arrayOffset() + value.position(), data + size, length);
        } else {
          for (int k = 0; k < length; k++) {
            MemoryUtil.putByte(data + size + k, value.get(value.position() + k));
          }
        }
        size += length;
        BitVectorHelper.setBit(vector.getValidityBuffer(), i);
      }
      MemoryUtil.putInt(offsets + 4L * (i + 1), (int) size);
      reader.consume();
    }
  }
}
