package dev.capsule.reader.wasm;

import static dev.capsule.reader.wasm.TestDecoders.WHERE;
import static dev.capsule.reader.wasm.TestDecoders.arithChunk;
import static dev.capsule.reader.wasm.TestDecoders.arithValue;
import static dev.capsule.reader.wasm.TestDecoders.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.format.DecoderException;
import dev.capsule.format.PhysicalLayout;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;
import org.junit.jupiter.api.Test;

/**
 * Decoded buffers reach Arrow as views of the decoder's memory, and what Arrow holds never changes:
 * not when the decoder decodes the next batch, grows, or is closed.
 */
class ZeroCopyTest extends LeakCheckedTest {
  private static final int ROWS = 10_000;
  private static final int BATCH = 1024;
  private static final long START = 5;
  private static final long STEP = 3;
  private static final Field INT64 = Field.nullable("c", new ArrowType.Int(64, true));
  private static final Field UTF8 = Field.nullable("c", new ArrowType.Utf8());

  private static ChunkDecoder open(PhysicalLayout layout, Field field) throws IOException {
    return ChunkDecoder.open(compile("arith"), arithChunk(layout, ROWS, null, START, STEP), field,
        DecodeLimits.defaults(), WHERE);
  }

  private static void assertRows(BigIntVector vector, int first) {
    for (int i = 0; i < vector.getValueCount(); i++) {
      assertEquals(arithValue(START, STEP, first + i), vector.get(i), "row " + (first + i));
    }
  }

  @Test
  void batchesViewTheDecodersMemoryAndOutliveTheDecoder() throws IOException {
    BigIntVector vector = (BigIntVector) INT64.createVector(allocator);
    ChunkDecoder decoder = open(PhysicalLayout.FIXED8, INT64);
    decoder.decodeInto(0, BATCH, vector);
    long held = OffHeapMemory.reservedBytes();
    // No copy: the allocator accounts for the viewed bytes but holds no block of its own for them.
    decoder.close();
    assertEquals(held, OffHeapMemory.reservedBytes(), "the vector's view keeps the decoder's block alive");
    assertRows(vector, 0);
    vector.close();
    assertEquals(reservedBefore, OffHeapMemory.reservedBytes());
  }

  @Test
  void aBatchHeldElsewhereSurvivesTheNextDecode() throws IOException {
    try (BigIntVector vector = (BigIntVector) INT64.createVector(allocator);
        ChunkDecoder decoder = open(PhysicalLayout.FIXED8, INT64)) {
      decoder.decodeInto(0, BATCH, vector);
      long firstBatchAddress = vector.getDataBuffer().memoryAddress();
      TransferPair keep = vector.getTransferPair(allocator);
      keep.transfer(); // the consumer keeps batch 0; the vector is empty again
      try (BigIntVector kept = (BigIntVector) keep.getTo()) {
        for (int first = BATCH; first < ROWS; first += BATCH) {
          decoder.decodeInto(first, Math.min(BATCH, ROWS - first), vector);
          assertRows(vector, first);
          assertRows(kept, 0);
        }
        assertEquals(firstBatchAddress, kept.getDataBuffer().memoryAddress());
        assertNotEquals(firstBatchAddress, vector.getDataBuffer().memoryAddress());
      }
    }
  }

  @Test
  void everyBatchReleasedBeforeTheNextIsViewedInPlace() throws IOException {
    try (BigIntVector vector = (BigIntVector) INT64.createVector(allocator);
        ChunkDecoder decoder = open(PhysicalLayout.FIXED8, INT64)) {
      long reserved = OffHeapMemory.reservedBytes();
      for (int first = 0; first < ROWS; first += BATCH) {
        decoder.decodeInto(first, Math.min(BATCH, ROWS - first), vector);
        assertRows(vector, first);
        // No detach happened: still the one block the decoder started with.
        assertEquals(reserved, OffHeapMemory.reservedBytes());
      }
    }
  }

  @Test
  void keptBatchesCountAgainstTheDecoderMemoryBudget() throws IOException {
    long saved = OffHeapMemory.totalBudgetBytes;
    try (BigIntVector vector = (BigIntVector) INT64.createVector(allocator);
        ChunkDecoder decoder = open(PhysicalLayout.FIXED8, INT64)) {
      decoder.decodeInto(0, BATCH, vector);
      TransferPair keep = vector.getTransferPair(allocator);
      keep.transfer();
      try (BigIntVector kept = (BigIntVector) keep.getTo()) {
        // The kept batch pins the decoder's block; a copy to go on decoding would not fit.
        OffHeapMemory.totalBudgetBytes = OffHeapMemory.reservedBytes();
        DecoderException e = assertThrows(DecoderException.class, () -> decoder.decodeInto(BATCH, BATCH, vector));
        assertTrue(e.getMessage().contains("would exceed the decoder memory budget"), e.getMessage());
        assertRows(kept, 0);
        OffHeapMemory.totalBudgetBytes = saved;
        decoder.decodeInto(BATCH, BATCH, vector); // room again: detaches and goes on
        assertRows(vector, BATCH);
        assertRows(kept, 0);
      }
    } finally {
      OffHeapMemory.totalBudgetBytes = saved;
    }
  }

  @Test
  void aScanLetsGoOfEveryRowGroupsDecoderMemory() throws IOException {
    // all-types: three row groups of 8, 8 and 4 rows, 14 columns.
    Path golden = Path.of("../format-spec/src/test/resources/golden/all-types.capsule");
    try (CapsuleReader file = CapsuleReader.open(golden);
        ArrowReader batches = file.scan(allocator, ScanOptions.all().withBatchRows(8))) {
      assertTrue(batches.loadNextBatch());
      long oneRowGroup = OffHeapMemory.reservedBytes() - reservedBefore;
      assertTrue(oneRowGroup > 0);
      int rows = batches.getVectorSchemaRoot().getRowCount();
      while (batches.loadNextBatch()) {
        rows += batches.getVectorSchemaRoot().getRowCount();
        // Between batches, at most one row group's decoder memory is held: nothing piles up.
        assertTrue(OffHeapMemory.reservedBytes() - reservedBefore <= oneRowGroup,
            "row groups pinned: " + (OffHeapMemory.reservedBytes() - reservedBefore) + " > " + oneRowGroup);
      }
      assertEquals(20, rows);
      assertEquals(reservedBefore, OffHeapMemory.reservedBytes(), "the scan ended with decoder memory held");
    }
  }

  @Test
  void anAllocatorTooSmallForTheViewLeaksNothing() throws IOException {
    // Room for the 128-byte validity bitmap, not for the 8 KiB of values viewed next.
    try (BufferAllocator small = allocator.newChildAllocator("small", 0, 1024);
        BigIntVector vector = (BigIntVector) INT64.createVector(small);
        ChunkDecoder decoder = open(PhysicalLayout.FIXED8, INT64)) {
      assertThrows(OutOfMemoryException.class, () -> decoder.decodeInto(0, BATCH, vector));
      assertEquals(0, small.getAllocatedMemory());
      decoder.decodeInto(0, 64, vector); // 512 bytes fit; the decoder is still usable
      assertRows(vector, 0);
    }
  }

  @Test
  void alignedValuesAreViewedUnalignedOnesCopied() {
    try (OffHeapMemory memory = new OffHeapMemory(new MemoryLimits(1, 1), 1);
        BigIntVector vector = (BigIntVector) INT64.createVector(allocator)) {
      long base = memory.address();
      for (int i = 0; i < 8; i++) {
        MemoryUtil.putLong(base + 8 + 8L * i, 100 + i);
        MemoryUtil.putLong(base + 100 + 8L * i, 200 + i);
      }
      DecoderOutput out = new DecoderOutput(PhysicalLayout.FIXED8, false, 1, Integer.MAX_VALUE);
      out.valuesBytes = 64;

      out.values = base + 8;
      ArrowLoader.load(vector, PhysicalLayout.FIXED8, out, 8, memory);
      assertEquals(base + 8, vector.getDataBuffer().memoryAddress());
      assertEquals(107, vector.get(7));

      out.values = base + 100; // 4 mod 8: an int64 there is not naturally aligned
      ArrowLoader.load(vector, PhysicalLayout.FIXED8, out, 8, memory);
      long copy = vector.getDataBuffer().memoryAddress();
      assertTrue(copy < base || copy >= base + memory.byteSize(), "copied out of the memory");
      assertEquals(0, copy & 7);
      assertEquals(207, vector.get(7));
    }
  }

  @Test
  void heldStringsSurviveTheNextDecode() throws IOException {
    try (VarCharVector vector = (VarCharVector) UTF8.createVector(allocator);
        ChunkDecoder decoder = open(PhysicalLayout.VARIABLE, UTF8)) {
      decoder.decodeInto(0, BATCH, vector);
      String[] expected = new String[BATCH];
      for (int i = 0; i < BATCH; i++) {
        expected[i] = vector.getObject(i).toString();
      }
      assertTrue(expected[BATCH - 1].length() > 0);
      vector.getDataBuffer().getReferenceManager().retain(); // held by someone else
      vector.getOffsetBuffer().getReferenceManager().retain();
      var data = vector.getDataBuffer();
      var offsets = vector.getOffsetBuffer();
      try {
        decoder.decodeInto(BATCH, BATCH, vector);
        assertNotEquals(expected[0], vector.getObject(0).toString());
        for (int i = 0; i < BATCH; i++) {
          int start = offsets.getInt(4L * i);
          int end = offsets.getInt(4L * (i + 1));
          byte[] bytes = new byte[end - start];
          data.getBytes(start, bytes);
          assertEquals(expected[i], new String(bytes, java.nio.charset.StandardCharsets.UTF_8), "row " + i);
        }
      } finally {
        data.getReferenceManager().release();
        offsets.getReferenceManager().release();
      }
    }
  }
}
