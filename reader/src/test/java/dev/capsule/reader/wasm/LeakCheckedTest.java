package dev.capsule.reader.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A fresh allocator per test, and after it the proof that nothing leaked: no Arrow buffer (closing
 * the allocator fails otherwise) and no decoder memory, including regions Arrow buffers viewed.
 * JUnit runs a subclass's own @AfterEach first, so its checks see the test's state.
 */
abstract class LeakCheckedTest {
  protected BufferAllocator allocator;
  protected long reservedBefore;

  @BeforeEach
  void openAllocator() {
    allocator = new RootAllocator();
    reservedBefore = OffHeapMemory.reservedBytes();
  }

  @AfterEach
  void checkNothingLeaked() {
    allocator.close();
    assertEquals(reservedBefore, OffHeapMemory.reservedBytes(), "decoder memory leaked");
  }
}
