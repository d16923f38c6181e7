package dev.capsule.writer.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashTablesTest {

  @Test
  void longTableNumbersValuesInOrderOfFirstAppearance() {
    LongHashTable table = new LongHashTable();
    Map<Long, Integer> expected = new HashMap<>();
    Random random = new Random(1);
    long[] specials = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1L << 63 >>> 1};
    for (int i = 0; i < 100_000; i++) {
      long key = i < specials.length ? specials[i] : random.nextInt(20_000) * 0x1_0000_0000L; // low bits all 0
      int code = table.add(key);
      Integer previous = expected.putIfAbsent(key, expected.size());
      assertEquals(previous == null ? expected.size() - 1 : previous, code);
    }
    assertEquals(expected.size(), table.size());
    expected.forEach((key, code) -> assertEquals(key, table.value(code)));
  }

  @Test
  void sliceTableComparesBytesNotPositions() {
    byte[] data = "abcabcabXabcab".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    SliceHashTable table = new SliceHashTable(data);
    assertEquals(0, table.add(0, 3)); // abc
    assertEquals(0, table.add(3, 3)); // abc again
    assertEquals(1, table.add(6, 3)); // abX
    assertEquals(2, table.add(0, 0)); // empty
    assertEquals(2, table.add(7, 0)); // empty elsewhere
    assertEquals(3, table.add(0, 2)); // ab
    assertEquals(3, table.add(12, 2)); // ab at the end
    assertEquals(4, table.size());
    assertEquals(3 + 3 + 0 + 2, table.totalLength());
  }

  @Test
  void sliceTableGrows() {
    Random random = new Random(2);
    byte[] data = new byte[1 << 20];
    random.nextBytes(data);
    SliceHashTable table = new SliceHashTable(data);
    for (int i = 0; i < 50_000; i++) {
      assertEquals(i, table.add(i * 16, 16));
    }
    for (int i = 0; i < 50_000; i++) {
      assertEquals(i, table.add(i * 16, 16));
    }
    assertEquals(50_000, table.size());
  }
}
