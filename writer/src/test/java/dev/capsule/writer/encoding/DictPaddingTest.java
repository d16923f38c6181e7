package dev.capsule.writer.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.decoders.ColumnValues;
import dev.capsule.decoders.ValueKind;
import dev.capsule.format.PhysicalLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** When capsule.dict pads its dictionary to 2^b entries, and what it then stores. */
class DictPaddingTest {

  @Test
  void padsToThePowerOfTwoOnlyWhenThePaddingIsSmallNextToTheCodes() {
    // 1000 entries, 10-bit codes: 24 padding entries of 4 bytes against 65536 * 10 / 8 bytes of codes
    assertEquals(1024, DictEncoding.storedEntries(PhysicalLayout.FIXED4, 65_536, 1000));
    // 600 entries: 424 padding entries of 8 bytes are more than 1/64 of 12.8 KB of codes
    assertEquals(600, DictEncoding.storedEntries(PhysicalLayout.FIXED8, 10_240, 600));
    // ... but not of 1.25 MB of codes
    assertEquals(1024, DictEncoding.storedEntries(PhysicalLayout.FIXED8, 1_000_000, 600));
    // VARIABLE padding entries are empty: 4 bytes of offset each, whatever the values' lengths
    assertEquals(1024, DictEncoding.storedEntries(PhysicalLayout.VARIABLE, 65_536, 1000));
    // already a power of two, one entry (no codes), or too few rows
    assertEquals(1024, DictEncoding.storedEntries(PhysicalLayout.FIXED4, 65_536, 1024));
    assertEquals(1, DictEncoding.storedEntries(PhysicalLayout.FIXED4, 65_536, 1));
    assertEquals(3, DictEncoding.storedEntries(PhysicalLayout.FIXED4, 100, 3));
    for (int distinct = 1; distinct < 5000; distinct++) {
      int stored = DictEncoding.storedEntries(PhysicalLayout.FIXED4, 1 << 20, distinct);
      assertEquals(DictEncoding.codeWidth(distinct), DictEncoding.codeWidth(stored), "padding keeps the code width");
    }
  }

  @Test
  void aPaddedDictionaryStoresZeroEntriesAfterTheValuesAndItsSizeCountsThem() {
    int rows = 65_536;
    ByteBuffer data = ByteBuffer.allocate(4 * rows).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < rows; i++) {
      data.putInt(1_000_000 + (i * 7919) % 1000); // 1000 distinct values, first seen in row order
    }
    ColumnValues values = new ColumnValues(PhysicalLayout.FIXED4, ValueKind.SIGNED_INTEGER, rows, null,
        data.array(), null);
    ColumnAnalysis analysis = ColumnAnalysis.of(values);
    byte[] chunk = new DictEncoding().encode(values, analysis);
    assertEquals(new DictEncoding().estimateSize(analysis), chunk.length);

    ByteBuffer in = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) ChunkWriter.headerSize(rows, false);
    assertEquals(1024, in.getInt(at), "dict_size");
    for (int code = 0; code < 1024; code++) {
      int expected = code < 1000 ? 1_000_000 + (code * 7919) % 1000 : 0;
      assertEquals(expected, in.getInt(at + 4 + 4 * code), "entry " + code);
    }
    assertEquals(10, chunk[at + 4 + 4 * 1024], "code_bit_width");
  }
}
