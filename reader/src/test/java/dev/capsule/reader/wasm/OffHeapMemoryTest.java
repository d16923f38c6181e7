package dev.capsule.reader.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.util.MemoryUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OffHeapMemoryTest {
  private static final int PAGE = Memory.PAGE_SIZE;

  private long reservedBefore;
  private OffHeapMemory memory;

  @BeforeEach
  void setUp() {
    reservedBefore = OffHeapMemory.reservedBytes();
    memory = new OffHeapMemory(new MemoryLimits(1, 4), 100);
  }

  @AfterEach
  void tearDown() {
    memory.close();
    assertEquals(reservedBefore, OffHeapMemory.reservedBytes(), "region not released");
  }

  private static void assertTraps(Executable access) {
    WasmRuntimeException e = assertThrows(WasmRuntimeException.class, access);
    assertTrue(e.getMessage().startsWith("out of bounds memory access"), e.getMessage());
  }

  @Test
  void startsZeroedWithItsInitialPages() {
    assertEquals(1, memory.pages());
    assertEquals(PAGE, memory.byteSize());
    assertEquals(1, memory.initialPages());
    assertEquals(4, memory.maximumPages());
    for (int i = 0; i < PAGE; i += 8) {
      assertEquals(0, memory.readLong(i));
    }
  }

  @Test
  void scalarsRoundTripLittleEndian() {
    memory.writeI32(0, 0x04030201);
    assertEquals(1, memory.read(0));
    assertEquals(4, memory.read(3));
    assertEquals(0x0201, memory.readShort(0));
    memory.writeLong(8, 0x8877665544332211L);
    assertEquals(0x8877665544332211L, memory.readLong(8));
    assertEquals(0x44332211, memory.readInt(8));
    assertEquals(0x8877, memory.readU16(14));
    assertEquals((short) 0x8877, memory.readShort(14));
    assertEquals(0x88, memory.readU8(15));
    memory.writeShort(20, (short) -2);
    assertEquals(0xFFFE, memory.readU16(20));
    memory.writeByte(30, (byte) -1);
    assertEquals(-1, memory.read(30));
    memory.writeF32(32, 1.5f);
    assertEquals(1.5f, memory.readFloat(32));
    assertEquals(Float.floatToRawIntBits(1.5f), (int) memory.readF32(32));
    memory.writeF64(40, -2.25);
    assertEquals(-2.25, memory.readDouble(40));
    assertEquals(Double.doubleToRawLongBits(-2.25), memory.readF64(40));
    // unaligned
    memory.writeLong(PAGE - 8, -1L);
    memory.writeI32(PAGE - 5, 0);
    assertEquals(0xFF00000000FFFFFFL, memory.readLong(PAGE - 8));
  }

  @Test
  void everyAccessIsBoundsChecked() {
    memory.writeLong(PAGE - 8, 1);
    memory.writeByte(PAGE - 1, (byte) 1);
    assertTraps(() -> memory.readLong(PAGE - 7));
    assertTraps(() -> memory.readInt(PAGE - 3));
    assertTraps(() -> memory.readShort(PAGE - 1));
    assertTraps(() -> memory.read(PAGE));
    assertTraps(() -> memory.writeI32(PAGE - 2, 0));
    assertTraps(() -> memory.writeLong(-8, 0));
    assertTraps(() -> memory.read(-1));
    assertTraps(() -> memory.read(Integer.MIN_VALUE));
    assertTraps(() -> memory.readBytes(PAGE - 2, 3));
    assertTraps(() -> memory.write(PAGE - 2, new byte[3]));
    assertTraps(() -> memory.fill((byte) 0, PAGE - 2, PAGE + 1));
    assertTraps(() -> memory.copy(0, PAGE - 2, 3));
    assertTraps(() -> memory.copy(PAGE - 2, 0, 3));
    assertTraps(() -> memory.copy(0, 0, -1)); // an unsigned size of 2^32 - 1
    // zero-length operations at the end are fine, one past it traps
    memory.fill((byte) 1, PAGE, PAGE);
    memory.copy(PAGE, 0, 0);
    assertTraps(() -> memory.copy(PAGE + 1, 0, 0));
  }

  @Test
  void growsWithinTheCapAndKeepsItsContents() {
    memory.writeLong(PAGE - 8, 42);
    long before = memory.address();
    assertEquals(1, memory.grow(2));
    assertEquals(3, memory.pages());
    assertEquals(3L * PAGE, memory.byteSize());
    assertEquals(42, memory.readLong(PAGE - 8));
    for (int i = PAGE; i < 3 * PAGE; i += 8) {
      assertEquals(0, memory.readLong(i), "grown pages are zero");
    }
    memory.writeLong(3 * PAGE - 8, 7);
    assertEquals(3, memory.grow(0));
    assertEquals(3, memory.grow(1));
    assertEquals(-1, memory.grow(1), "past the declared maximum of 4");
    assertEquals(-1, memory.grow(-1), "memory.grow takes an unsigned count");
    assertEquals(4, memory.pages());
    assertEquals(7, memory.readLong(3 * PAGE - 8));
    assertTrue(before != 0);
  }

  @Test
  void theHostCapIsBelowTheDeclaredMaximum() {
    try (OffHeapMemory capped = new OffHeapMemory(new MemoryLimits(1, MemoryLimits.MAX_PAGES), 3)) {
      assertEquals(3, capped.maximumPages());
      assertEquals(1, capped.grow(2));
      assertEquals(-1, capped.grow(1));
      assertEquals(3, capped.pages());
    }
  }

  @Test
  void refusesAnInitialMemoryAboveTheCap() {
    UninstantiableException e = assertThrows(UninstantiableException.class,
        () -> new OffHeapMemory(new MemoryLimits(5), 4));
    assertTrue(e.getMessage().contains("initial memory of 5 pages exceeds the limit of 4 pages"), e.getMessage());
    assertThrows(UninstantiableException.class, () -> new OffHeapMemory(new MemoryLimits(1, 2, true), 4));
  }

  @Test
  void copyIsAMemmove() {
    byte[] text = "0123456789".getBytes(StandardCharsets.US_ASCII);
    memory.write(100, text);
    memory.copy(102, 100, 8); // forward overlap
    assertEquals("0101234567", memory.readString(100, 10));
    memory.write(100, text);
    memory.copy(100, 102, 8); // backward overlap
    assertEquals("2345678989", memory.readString(100, 10));
  }

  @Test
  void fillsAndZeroes() {
    memory.fill((byte) 7, 10, 20);
    assertEquals(0, memory.read(9));
    assertEquals(7, memory.read(10));
    assertEquals(7, memory.read(19));
    assertEquals(0, memory.read(20));
    memory.initialize(null, null); // no longer pristine: zero() must really zero
    memory.zero();
    assertEquals(0, memory.read(15));
  }

  @Test
  void passiveSegmentsInitAndDrop() {
    byte[] data = "hello, wasm".getBytes(StandardCharsets.US_ASCII);
    memory.initialize(null, new DataSegment[] {new PassiveDataSegment(data)});
    memory.initPassiveSegment(0, 200, 7, 4);
    assertArrayEquals("wasm".getBytes(StandardCharsets.US_ASCII), memory.readBytes(200, 4));
    assertTraps(() -> memory.initPassiveSegment(0, 200, 8, 4)); // past the segment
    assertTraps(() -> memory.initPassiveSegment(0, PAGE - 2, 0, 4)); // past the memory
    memory.drop(0);
    memory.initPassiveSegment(0, 200, 0, 0); // a dropped segment is empty
    assertTraps(() -> memory.initPassiveSegment(0, 200, 0, 1));
  }

  @Test
  void closeReleasesTheRegionAndLaterAccessTraps() {
    assertTrue(OffHeapMemory.reservedBytes() > reservedBefore);
    memory.close();
    assertEquals(reservedBefore, OffHeapMemory.reservedBytes());
    assertEquals(0, memory.byteSize());
    assertTraps(() -> memory.readInt(0));
    memory.close(); // idempotent
  }

  @Test
  void recycledRegionsComeBackZeroed() {
    memory.fill((byte) 0x5A, 0, PAGE);
    memory.close();
    try (OffHeapMemory next = new OffHeapMemory(new MemoryLimits(1, 4), 100)) {
      for (int i = 0; i < PAGE; i += 8) {
        assertEquals(0, next.readLong(i));
      }
      next.fill((byte) 0x5A, 0, PAGE);
      assertEquals(1, next.grow(3));
      for (int i = PAGE; i < 4 * PAGE; i += 8) {
        assertEquals(0, next.readLong(i));
      }
    }
  }

  /** Chicory drives the memory: data segments land at their offsets, the module reads them back. */
  @Test
  void chicoryInitializesDataSegmentsThroughTheFactory() {
    OffHeapMemory[] created = new OffHeapMemory[1];
    Instance instance = Instance.builder(Parser.parse(TestDecoders.wasm("arith")))
        .withMemoryFactory(limits -> created[0] = new OffHeapMemory(limits, 100))
        .build();
    try {
      assertTrue(instance.memory() == created[0]);
      // capsule_open(0, 0) fails, copying a message from the data segment (.rodata) for capsule_error.
      assertEquals(0, instance.export("capsule_open").apply(0, 0)[0]);
      int message = (int) instance.export("capsule_error").apply(0)[0];
      int length = created[0].readInt(message);
      byte[] text = new byte[length];
      MemoryUtil.copyFromMemory(created[0].address() + message + 4, text, 0, length);
      assertEquals("arith: chunk shorter than its 8-byte header", new String(text, StandardCharsets.UTF_8));
    } finally {
      created[0].close();
    }
  }
}
