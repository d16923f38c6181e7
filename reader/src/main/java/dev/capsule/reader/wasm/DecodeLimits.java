package dev.capsule.reader.wasm;

import com.dylibso.chicory.runtime.Memory;
import java.time.Duration;
import java.util.Objects;

/**
 * The hard limits a decoder module runs under. A decoder is untrusted code that travels inside the
 * file: these keep a hostile or buggy one from taking the JVM down with it.
 *
 * @param memoryCapBytes the most linear memory one decoder instance may have. A module whose
 *     initial memory is larger is refused; memory.grow past the cap returns -1 to the decoder. Chicory
 *     addresses at most {@link Memory#RUNTIME_MAX_PAGES} pages (just under 2 GiB), so larger caps
 *     act as that. It also bounds the bytes a batch of strings handed over as runs or a dictionary
 *     expands to (SPEC 9.3); a larger batch fails, and fewer rows may then be decoded.
 * @param timeLimit the longest one call into a decoder (instantiation, capsule_open, one
 *     capsule_decode, ...) may run before it is interrupted and fails
 */
public record DecodeLimits(long memoryCapBytes, Duration timeLimit) {
  public static final long DEFAULT_MEMORY_CAP_BYTES = 1L << 30;
  public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(30);

  private static final DecodeLimits DEFAULTS =
      new DecodeLimits(DEFAULT_MEMORY_CAP_BYTES, DEFAULT_TIME_LIMIT);

  public DecodeLimits {
    Objects.requireNonNull(timeLimit, "timeLimit");
    if (memoryCapBytes < Memory.PAGE_SIZE) {
      throw new IllegalArgumentException(
          "memoryCapBytes must be at least one wasm page (65536): " + memoryCapBytes);
    }
    if (timeLimit.isNegative() || timeLimit.isZero()) {
      throw new IllegalArgumentException("timeLimit must be positive: " + timeLimit);
    }
  }

  /** 1 GiB of memory and 30 s per call. */
  public static DecodeLimits defaults() {
    return DEFAULTS;
  }

  public DecodeLimits withMemoryCapBytes(long bytes) {
    return new DecodeLimits(bytes, timeLimit);
  }

  public DecodeLimits withTimeLimit(Duration limit) {
    return new DecodeLimits(memoryCapBytes, limit);
  }

  /** The cap in whole wasm pages, clamped to what Chicory can address. */
  public int memoryCapPages() {
    return (int) Math.min(memoryCapBytes / Memory.PAGE_SIZE, Memory.RUNTIME_MAX_PAGES);
  }

  /** The time limit in nanoseconds, saturated (Duration.toNanos would overflow past ~292 years). */
  long timeLimitNanos() {
    return timeLimit.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeLimit.toNanos();
  }
}
