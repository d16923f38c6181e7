package dev.capsule.reader.wasm;

import static dev.capsule.reader.wasm.TestDecoders.WHERE;
import static dev.capsule.reader.wasm.TestDecoders.WHERE_TEXT;
import static dev.capsule.reader.wasm.TestDecoders.arithChunk;
import static dev.capsule.reader.wasm.TestDecoders.wasm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.DecoderException;
import dev.capsule.format.PhysicalLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecoderCacheTest {
  private static CompiledDecoder get(DecoderCache cache, byte[] module) throws Exception {
    return cache.get(module, dev.capsule.format.Checksums.sha256(module), WHERE);
  }

  @Test
  void compilesEachModuleOnce() throws Exception {
    DecoderCache cache = new DecoderCache(8);
    byte[] arith = wasm("arith");
    CompiledDecoder first = get(cache, arith);
    assertSame(first, get(cache, arith.clone()));
    assertEquals(HexFormat.of().formatHex(dev.capsule.format.Checksums.sha256(arith)), first.sha256());
    assertNotSame(first, get(cache, wasm("hostile")));
    assertEquals(2, cache.size());
  }

  @Test
  void concurrentRequestsShareOneCompilation() throws Exception {
    DecoderCache cache = new DecoderCache(8);
    byte[] arith = wasm("arith");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<CompiledDecoder>> tasks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        tasks.add(() -> get(cache, arith));
      }
      CompiledDecoder one = null;
      for (Future<CompiledDecoder> f : pool.invokeAll(tasks)) {
        if (one == null) {
          one = f.get();
        }
        assertSame(one, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void evictsTheLeastRecentlyUsed() throws Exception {
    DecoderCache cache = new DecoderCache(1);
    CompiledDecoder arith = get(cache, wasm("arith"));
    get(cache, wasm("hostile"));
    assertEquals(1, cache.size());
    assertNotSame(arith, get(cache, wasm("arith")));
  }

  @Test
  void aChecksumMismatchIsAFormatErrorNotADecoderError() {
    byte[] module = wasm("arith");
    byte[] sha = dev.capsule.format.Checksums.sha256(module);
    module[module.length - 1] ^= 1;
    CapsuleFormatException e = assertThrows(CapsuleFormatException.class,
        () -> DecoderCache.shared().get(module, sha, WHERE));
    assertTrue(!(e instanceof DecoderException));
    assertTrue(e.getMessage().startsWith(WHERE_TEXT + ": decoder module checksum mismatch"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing_decode | a decoder module must export the function capsule_decode",
      "with_import    | must not import anything, this one imports 1: env.host_log (function)",
      "bad_signature  | export capsule_decode must have type (i32, i32, i32, i32) -> i32, it has (i32, i32, i32) -> i32"})
  void refusesModulesThatAreNotDecoders(String name, String expected) {
    DecoderCache cache = new DecoderCache(8);
    DecoderException e = assertThrows(DecoderException.class, () -> get(cache, wasm(name)));
    assertTrue(e.getMessage().startsWith(WHERE_TEXT + ": decoder module "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertEquals(0, cache.size(), "failures are not cached");
  }

  @Test
  void refusesBytesThatAreNotWasm() {
    byte[] garbage = "certainly not a wasm module".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    DecoderException e = assertThrows(DecoderException.class, () -> get(new DecoderCache(8), garbage));
    assertTrue(e.getMessage().contains("not a valid WebAssembly module"), e.getMessage());
    byte[] truncated = java.util.Arrays.copyOf(wasm("arith"), 100);
    e = assertThrows(DecoderException.class, () -> get(new DecoderCache(8), truncated));
    assertTrue(e.getMessage().contains("not a valid WebAssembly module"), e.getMessage());
  }

  @Test
  void refusesAModuleOfAnotherAbiVersionAtOpen() throws Exception {
    CompiledDecoder abi4 = get(new DecoderCache(8), wasm("abi_4"));
    Field field = Field.nullable("c", new ArrowType.Int(32, true));
    DecoderException e = assertThrows(DecoderException.class, () -> ChunkDecoder.open(abi4,
        arithChunk(PhysicalLayout.FIXED4, 1, null, 0, 0), field, DecodeLimits.defaults(), WHERE));
    assertTrue(e.getMessage().contains("module implements decoder ABI version 4, this reader knows versions 1 to 3"),
        e.getMessage());
  }

  @Test
  void refusesAModuleWhoseInitialMemoryIsAboveTheCap() throws Exception {
    CompiledDecoder big = get(DecoderCache.shared(), wasm("arith_big_memory"));
    assertEquals(512, big.initialMemoryPages());
    Field field = Field.nullable("c", new ArrowType.Int(32, true));
    DecodeLimits small = DecodeLimits.defaults().withMemoryCapBytes(16 << 20);
    long reserved = OffHeapMemory.reservedBytes();
    DecoderException e = assertThrows(DecoderException.class, () -> ChunkDecoder.open(big,
        arithChunk(PhysicalLayout.FIXED4, 1, null, 0, 0), field, small, WHERE));
    assertTrue(e.getMessage().contains("initial memory of 512 pages exceeds the memory limit of 256 pages"),
        e.getMessage());
    assertEquals(reserved, OffHeapMemory.reservedBytes());
    // Within the default cap it is an ordinary decoder.
    ChunkDecoder.open(big, arithChunk(PhysicalLayout.FIXED4, 1, null, 0, 0), field, DecodeLimits.defaults(), WHERE)
        .close();
    assertEquals(reserved, OffHeapMemory.reservedBytes());
  }
}
