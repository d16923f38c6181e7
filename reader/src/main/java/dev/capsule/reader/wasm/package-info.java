/**
 * The decoder host: runs the WebAssembly decoder module a column chunk names, in Chicory, and
 * turns its output into Arrow vectors. It knows no encoding - only the "Decoder ABI v1 and v2" and
 * "Physical layouts" of SPEC.md.
 *
 * <pre>{@code
 * CompiledDecoder module = DecoderCache.shared().get(moduleBytes, sha256FromFooter, where); // once per JVM
 * try (ChunkDecoder chunk = ChunkDecoder.open(module, chunkBytes, field, DecodeLimits.defaults(), where)) {
 *   chunk.decodeInto(firstRow, rowCount, vector);   // any row range, any number of times
 * }
 * }</pre>
 *
 * <p>Public: {@link dev.capsule.reader.wasm.DecoderCache} (SHA-256 check, validation, compilation
 * once per module), {@link dev.capsule.reader.wasm.CompiledDecoder},
 * {@link dev.capsule.reader.wasm.ChunkDecoder} (one instance per chunk),
 * {@link dev.capsule.reader.wasm.DecodeLimits} (memory cap, time limit per call) and
 * {@link dev.capsule.reader.wasm.OffHeapMemory} (the contiguous off-heap wasm memory).
 * Package-private kernels: ModuleValidator, WasmCalls and Watchdog (every call under a deadline),
 * DecoderOutput (the host trusts nothing a decoder returns), Utf8, Bitmaps, ArrowLoader, RegionPool.
 */
package dev.capsule.reader.wasm;
