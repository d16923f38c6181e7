package dev.capsule.reader.wasm;

import dev.capsule.format.Checksums;
import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.DecoderException;
import dev.capsule.reader.wasm.ModuleValidator.InvalidModuleException;
import java.io.InterruptedIOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Compiled decoder modules by SHA-256. Compiling a module costs milliseconds to seconds, so each
 * distinct module is parsed, validated and compiled once per cache (normally once per JVM, through
 * {@link #shared()}), however many files and threads use it. Thread-safe: concurrent requests for
 * the same module wait for one compilation. Least recently used modules are evicted beyond the
 * capacity so a long-running process reading many files does not keep every module's classes.
 */
public final class DecoderCache {
  private static final int SHARED_CAPACITY = 256;
  private static final DecoderCache SHARED = new DecoderCache(SHARED_CAPACITY);

  private final int capacity;
  private final LinkedHashMap<String, FutureTask<CompiledDecoder>> modules;

  /** A private cache; most callers want {@link #shared()}. */
  public DecoderCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.modules = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, FutureTask<CompiledDecoder>> eldest) {
        return size() > DecoderCache.this.capacity;
      }
    };
  }

  /** The cache of this JVM. */
  public static DecoderCache shared() {
    return SHARED;
  }

  /**
   * The compiled form of a decoder module.
   *
   * @param module the module bytes as stored in the file
   * @param expectedSha256 the 32-byte SHA-256 the file records for them
   * @param where where the module is stored, for error messages
   * @throws CapsuleFormatException if the bytes do not hash to expectedSha256 (a damaged file)
   * @throws DecoderException if the module is not a legal decoder (not wasm, imports something,
   *     lacks an export, wrong signature, or cannot be compiled)
   * @throws InterruptedIOException if interrupted while another thread compiles the module
   */
  public CompiledDecoder get(byte[] module, byte[] expectedSha256, Location where)
      throws CapsuleFormatException, InterruptedIOException {
    byte[] actual = Checksums.sha256(module);
    if (!java.util.Arrays.equals(actual, expectedSha256)) {
      throw new CapsuleFormatException(where, "decoder module checksum mismatch: expected SHA-256 "
          + (expectedSha256 == null ? "(none)" : HexFormat.of().formatHex(expectedSha256))
          + ", the " + module.length + " bytes hash to " + HexFormat.of().formatHex(actual));
    }
    String key = HexFormat.of().formatHex(actual);

    FutureTask<CompiledDecoder> task;
    boolean compileHere = false;
    synchronized (modules) {
      task = modules.get(key);
      if (task == null) {
        byte[] bytes = module.clone();
        task = new FutureTask<>(() -> CompiledDecoder.compile(bytes, key));
        modules.put(key, task);
        compileHere = true;
      }
    }
    if (compileHere) {
      task.run(); // outside the lock: other modules compile in parallel
    }
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for decoder module " + key + " to compile");
    } catch (ExecutionException e) {
      // Forget the failure: the next file naming this module gets its own message and location.
      synchronized (modules) {
        modules.remove(key, task);
      }
      Throwable cause = e.getCause();
      if (cause instanceof InvalidModuleException) {
        throw new DecoderException(where, "decoder module " + key + " is not a legal decoder: "
            + cause.getMessage(), cause.getCause());
      }
      throw new DecoderException(where, "decoder module " + key + " failed to compile: " + cause, cause);
    }
  }

  /** Number of modules held (compiled or compiling). */
  public int size() {
    synchronized (modules) {
      return modules.size();
    }
  }
}
