package dev.capsule.reader.wasm;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks that a parsed module has the shape of a decoder ("Decoder ABI v1 and v2" in
 * SPEC.md): no imports, one unshared memory exported as {@code memory}, and the
 * {@code capsule_*} exports with their exact signatures. What capsule_abi returns is checked per
 * instance, when it can be called.
 */
final class ModuleValidator {
  static final String MEMORY = "memory";
  static final String ABI = "capsule_abi";
  static final String ALLOC = "capsule_alloc";
  static final String OPEN = "capsule_open";
  static final String DECODE = "capsule_decode";
  static final String ERROR = "capsule_error";
  static final String FILTER = "capsule_filter";

  private static final Map<String, FunctionType> REQUIRED = new LinkedHashMap<>();
  private static final FunctionType FILTER_TYPE = i32s(6);

  static {
    REQUIRED.put(ABI, i32s(0));
    REQUIRED.put(ALLOC, i32s(1));
    REQUIRED.put(OPEN, i32s(2));
    REQUIRED.put(DECODE, i32s(4));
    REQUIRED.put(ERROR, i32s(1));
  }

  private ModuleValidator() {}

  /** (i32 x params) -> i32 */
  private static FunctionType i32s(int params) {
    return FunctionType.of(Collections.nCopies(params, ValType.I32), List.of(ValType.I32));
  }

  /**
   * @return the module's declared memory limits
   * @throws InvalidModuleException naming the first rule the module breaks
   */
  static MemoryLimits check(WasmModule module) {
    int imports = module.importSection().importCount();
    if (imports > 0) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < Math.min(imports, 5); i++) {
        Import im = module.importSection().getImport(i);
        names.add(im.module() + "." + im.name() + " (" + im.importType().name().toLowerCase(Locale.ROOT) + ")");
      }
      throw new InvalidModuleException("a decoder module must not import anything, this one imports "
          + imports + ": " + String.join(", ", names) + (imports > 5 ? ", ..." : ""));
    }
    int memories = module.memorySection().map(s -> s.memoryCount()).orElse(0);
    if (memories != 1) {
      throw new InvalidModuleException("a decoder module must define exactly one memory, this one has " + memories);
    }
    MemoryLimits limits = module.memorySection().get().getMemory(0).limits();
    if (limits.shared()) {
      throw new InvalidModuleException("a decoder module must not use shared memory");
    }

    Map<String, Export> exports = new HashMap<>();
    for (int i = 0; i < module.exportSection().exportCount(); i++) {
      Export e = module.exportSection().getExport(i);
      exports.put(e.name(), e);
    }
    Export memory = exports.get(MEMORY);
    if (memory == null || memory.exportType() != ExternalType.MEMORY) {
      throw new InvalidModuleException("a decoder module must export its memory as \"memory\"");
    }
    for (Map.Entry<String, FunctionType> required : REQUIRED.entrySet()) {
      checkFunction(module, exports.get(required.getKey()), required.getKey(), required.getValue(), true);
    }
    checkFunction(module, exports.get(FILTER), FILTER, FILTER_TYPE, false);
    return limits;
  }

  private static void checkFunction(WasmModule module, Export export, String name, FunctionType expected,
      boolean required) {
    if (export == null) {
      if (required) {
        throw new InvalidModuleException("a decoder module must export the function " + name);
      }
      return;
    }
    if (export.exportType() != ExternalType.FUNCTION) {
      throw new InvalidModuleException("export " + name + " must be a function, it is a "
          + export.exportType().name().toLowerCase(Locale.ROOT));
    }
    // No imports, so function index i is the module's own function i.
    int index = export.index();
    if (index < 0 || index >= module.functionSection().functionCount()) {
      throw new InvalidModuleException("export " + name + " names function " + index + ", which does not exist");
    }
    FunctionType actual = module.functionSection().getFunctionType(index, module.typeSection());
    if (!actual.equals(expected)) {
      throw new InvalidModuleException("export " + name + " must have type " + describe(expected)
          + ", it has " + describe(actual));
    }
  }

  /** In the text format's spelling: (i32, i32) -> i32. */
  private static String describe(FunctionType type) {
    return names(type.params()) + " -> " + (type.returns().size() == 1
        ? type.returns().get(0).toString().toLowerCase(Locale.ROOT) : names(type.returns()));
  }

  private static String names(List<ValType> types) {
    return types.stream().map(t -> t.toString().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  /** A module is not a legal decoder; the cache adds the location of whoever asked. */
  static final class InvalidModuleException extends RuntimeException {
    InvalidModuleException(String message) {
      super(message, null, false, false);
    }

    InvalidModuleException(String message, Throwable cause) {
      super(message, cause, false, true);
    }
  }
}
