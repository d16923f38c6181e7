package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The module-level rules of decoder ABI v1 (the same in v2), checked on the shipped bytes. */
class ModuleShapeTest {
  private static final int SECTION_IMPORT = 2;
  private static final int SECTION_MEMORY = 5;
  private static final int SECTION_START = 8;
  private static final int SECTION_CODE = 10;
  private static final int MAX_FUNCTION_BYTES = 4096;

  @ParameterizedTest
  @ValueSource(strings = {"plain", "ree", "bitpack", "dict", "parquet"})
  void exportsAndMemory(String module) {
    byte[] wasm = ShippedDecoders.bytes(module);
    Map<Integer, byte[]> sections = sections(wasm);
    assertTrue(!sections.containsKey(SECTION_IMPORT), "a decoder has no imports");
    assertTrue(!sections.containsKey(SECTION_START), "no start function");
    assertTrue(!sections.containsKey(0), "no custom sections (names, producers, debug info)");

    byte[] mem = sections.get(SECTION_MEMORY);
    assertEquals(1, mem[0], "one memory");
    assertEquals(0, mem[1], "the memory declares no maximum (the host caps it)");
    assertTrue(mem[2] >= 1 && mem[2] <= 2, "initial memory of " + mem[2] + " pages");

    WasmModule parsed = Parser.parse(wasm);
    Map<String, ExternalType> exports = new TreeMap<>();
    for (int i = 0; i < parsed.exportSection().exportCount(); i++) {
      exports.put(parsed.exportSection().getExport(i).name(), parsed.exportSection().getExport(i).exportType());
    }
    assertEquals(Map.of(
        "memory", ExternalType.MEMORY,
        "capsule_abi", ExternalType.FUNCTION,
        "capsule_alloc", ExternalType.FUNCTION,
        "capsule_open", ExternalType.FUNCTION,
        "capsule_decode", ExternalType.FUNCTION,
        "capsule_error", ExternalType.FUNCTION), exports);

    DecoderHarness h = new DecoderHarness(module);
    assertEquals(sig(0), type(module, "capsule_abi"));
    assertEquals(sig(1), type(module, "capsule_alloc"));
    assertEquals(sig(2), type(module, "capsule_open"));
    assertEquals(sig(4), type(module, "capsule_decode"));
    assertEquals(sig(1), type(module, "capsule_error"));
    assertTrue(h.memorySize() <= 2 * 65536);
  }

  /**
   * Chicory compiles each wasm function to one JVM method, and HotSpot does not JIT methods above
   * 8000 bytecode bytes: a function that large would run interpreted. Bodies stay far below.
   */
  @ParameterizedTest
  @ValueSource(strings = {"plain", "ree", "bitpack", "dict", "parquet"})
  void functionsStaySmallEnoughToBeJitCompiled(String module) {
    ByteArrayInputStream code = new ByteArrayInputStream(sections(ShippedDecoders.bytes(module)).get(SECTION_CODE));
    long functions = leb(code);
    for (long f = 0; f < functions; f++) {
      long size = leb(code);
      assertTrue(size <= MAX_FUNCTION_BYTES, module + " function " + f + " has " + size + " bytes");
      code.skip(size);
    }
  }

  private static FunctionType type(String module, String export) {
    return com.dylibso.chicory.runtime.Instance.builder(Parser.parse(ShippedDecoders.bytes(module)))
        .withInitialize(false).build().exportType(export);
  }

  private static FunctionType sig(int i32Params) {
    List<ValType> params = new ArrayList<>();
    for (int i = 0; i < i32Params; i++) {
      params.add(ValType.I32);
    }
    return FunctionType.of(params, List.of(ValType.I32));
  }

  /** Section id -> contents (the last one of each id; custom sections under 0). */
  static Map<Integer, byte[]> sections(byte[] wasm) {
    Map<Integer, byte[]> out = new TreeMap<>();
    ByteArrayInputStream in = new ByteArrayInputStream(wasm, 8, wasm.length - 8);
    while (in.available() > 0) {
      int id = in.read();
      int size = (int) leb(in);
      byte[] body = new byte[size];
      assertEquals(size, in.read(body, 0, size), "truncated section");
      out.put(id, body);
    }
    return out;
  }

  private static long leb(ByteArrayInputStream in) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      int b = in.read();
      v |= (long) (b & 0x7F) << shift;
      if (b < 0x80) {
        return v;
      }
    }
  }
}
