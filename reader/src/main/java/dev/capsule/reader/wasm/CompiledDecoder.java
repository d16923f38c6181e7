package dev.capsule.reader.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.capsule.reader.wasm.ModuleValidator.InvalidModuleException;
import java.util.function.Function;

/**
 * A decoder module that passed validation and was compiled to JVM bytecode. Immutable and shared by
 * every {@link ChunkDecoder} that uses the module, across threads; obtain one from
 * {@link DecoderCache}, which compiles each distinct module once per JVM.
 */
public final class CompiledDecoder {
  private final String sha256;
  private final WasmModule module;
  private final Function<Instance, Machine> machineFactory;
  private final MemoryLimits memoryLimits;

  private CompiledDecoder(String sha256, WasmModule module, Function<Instance, Machine> machineFactory,
      MemoryLimits memoryLimits) {
    this.sha256 = sha256;
    this.module = module;
    this.machineFactory = machineFactory;
    this.memoryLimits = memoryLimits;
  }

  /**
   * Parses, validates and compiles. Never falls back to Chicory's interpreter: it is 50-100x slower
   * than compiled code (DESIGN.md section 4), so a module the compiler cannot handle is refused.
   *
   * @throws InvalidModuleException if the bytes are not a legal decoder module
   */
  static CompiledDecoder compile(byte[] bytes, String sha256) {
    WasmModule module;
    try {
      module = Parser.parse(bytes);
    } catch (RuntimeException e) {
      throw new InvalidModuleException("not a valid WebAssembly module: " + e.getMessage(), e);
    }
    MemoryLimits limits = ModuleValidator.check(module);
    Function<Instance, Machine> factory;
    try {
      factory = MachineFactoryCompiler.builder(module)
          .withInterpreterFallback(InterpreterFallback.FAIL)
          .compile();
    } catch (RuntimeException | LinkageError e) {
      throw new InvalidModuleException("cannot compile the module to JVM bytecode: " + e, e);
    }
    return new CompiledDecoder(sha256, module, factory, limits);
  }

  /** The SHA-256 of the module bytes, lower-case hex: the module's identity in files and caches. */
  public String sha256() {
    return sha256;
  }

  /** Initial linear memory the module declares, in 64 KiB pages. */
  public int initialMemoryPages() {
    return memoryLimits.initialPages();
  }

  /** A short name for messages: the first 12 hex digits of the hash. */
  String label() {
    return "decoder " + sha256.substring(0, 12);
  }

  WasmModule module() {
    return module;
  }

  Function<Instance, Machine> machineFactory() {
    return machineFactory;
  }

  @Override
  public String toString() {
    return "CompiledDecoder[" + sha256 + "]";
  }
}
