package dev.capsule.bench.decode;

import dev.capsule.bench.BenchJvm;
import dev.capsule.bench.javadecode.JavaChunkDecoder;
import dev.capsule.bench.javadecode.JavaDecoders;
import dev.capsule.decoders.ShippedDecoders;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.Checksums;
import dev.capsule.reader.ScanOptions;
import dev.capsule.reader.wasm.ChunkDecoder;
import dev.capsule.reader.wasm.CompiledDecoder;
import dev.capsule.reader.wasm.DecodeLimits;
import dev.capsule.reader.wasm.DecoderCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one column chunk of one encoding into Arrow, on one thread. Each operation decodes the
 * whole chunk ({@link #rows} rows) in batches of 64K rows into one reused vector:
 *
 * <ul>
 *   <li>{@link #wasm}: the chunk's wasm decoder through the reader's {@link ChunkDecoder}, as a scan
 *       runs it batch after batch: capsule_decode, output validation (null count, offsets, UTF-8)
 *       and the buffers handed to Arrow as views of the decoder's memory (a memcpy for an
 *       unaligned one). The chunk was loaded into the decoder's memory before measuring, as the
 *       reader reads it from the file straight there.
 *   <li>{@link #java}: the same chunk bytes, in a Java array, decoded by the plain-Java decoder of
 *       the same encoding ({@link JavaDecoders}) straight into the vector's buffers: what the
 *       algorithm costs without the sandbox.
 *   <li>{@link #memcpy}: copying as many bytes as decoding produces, batch by batch into one reused
 *       buffer: the physical limit.
 *   <li>{@link #wasmOpen}: what the sandbox costs once per chunk and the Java decoder never pays: a
 *       fresh instance of the module, the chunk copied into its memory, capsule_open. Read its
 *       values/s as "opening costs one row's share per value".
 * </ul>
 *
 * <p>wasm / java is the ratio the performance target (at least 0.8) is about; a scan pays
 * {@link #wasmOpen} once per row group and column on top (see ScanBenchmark for the whole cost).
 *
 * <p>Read the aux counters: {@code values} is decoded values (rows) per second, {@code bytes} is
 * decoded Arrow bytes per second (validity excluded; for utf8, 4 offset bytes per row plus the
 * string bytes), the same byte count for all three. Cases are "type/encoding" with values shaped to
 * suit the encoding (see {@link Shape}); {@link DecodeCase#ALL} lists them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchJvm.HEAP_MIN, BenchJvm.HEAP_MAX, BenchJvm.PRETOUCH, BenchJvm.HUGE_PAGES,
    BenchJvm.GC, BenchJvm.OPENS})
@State(Scope.Benchmark)
public class DecodeBenchmark {
  /** Rows per decode call, as the reader's scans use. */
  public static final int BATCH_ROWS = ScanOptions.DEFAULT_BATCH_ROWS;
  private static final String PARQUET = "capsule." + ShippedDecoders.PARQUET;

  /** "type/encoding"; keep in step with {@link DecodeCase#ALL}. */
  @Param({
    "int32/plain", "int32/ree", "int32/bitpack", "int32/dict",
    "int64/plain", "int64/ree", "int64/bitpack", "int64/dict",
    "double/plain", "double/ree", "double/dict",
    "utf8/plain", "utf8/ree", "utf8/dict",
    "int32/parquet", "int64/parquet", "double/parquet", "utf8/parquet",
  })
  public String column;

  /** Rows of the chunk (4M). */
  @Param("4194304")
  public int rows;

  private DecodeCase data;
  private Field field;
  private CompiledDecoder compiled;
  private Location where;
  private BufferAllocator allocator;
  private FieldVector vector;
  /** The chunk in the memory of an instance of its decoder, for {@link #wasm}. */
  private ChunkDecoder opened;
  /** The plain-Java decoder opened once like {@link #opened}; null for capsule.parquet (see {@link #java}). */
  private JavaChunkDecoder javaOpened;
  private ArrowBuf copySource;
  private ArrowBuf copyTarget;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    data = DecodeCase.create(column, rows);
    field = data.type().field();
    byte[] module = data.encoding().decoderModuleBytes();
    where = new Location("decode benchmark " + data.name(), 0, field.getName(), 0);
    compiled = DecoderCache.shared().get(module, Checksums.sha256(module), where);
    allocator = new RootAllocator();
    vector = field.createVector(allocator);
    copySource = allocator.buffer(Math.max(1, data.decodedBytes()));
    MemoryUtil.setMemory(copySource.memoryAddress(), data.decodedBytes(), (byte) 0x5A);
    copyTarget = allocator.buffer(Math.max(8, bytesPerBatch()));
    opened = ChunkDecoder.open(compiled, ByteBuffer.wrap(data.chunk()), field, DecodeLimits.defaults(), where);
    if (!data.encoding().name().equals(PARQUET)) {
      javaOpened = JavaDecoders.open(data.encoding().name(), data.chunk());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    opened.close();
    vector.close();
    copySource.close();
    copyTarget.close();
    allocator.close();
  }

  @Benchmark
  public int wasm(DecodeCounters counters) throws IOException {
    for (int first = 0; first < rows; first += BATCH_ROWS) {
      opened.decodeInto(first, Math.min(BATCH_ROWS, rows - first), vector);
    }
    count(counters);
    return vector.getValueCount();
  }

  @Benchmark
  public int wasmOpen(DecodeCounters counters) throws IOException {
    try (ChunkDecoder decoder = ChunkDecoder.open(compiled, ByteBuffer.wrap(data.chunk()), field,
        DecodeLimits.defaults(), where)) {
      count(counters);
      return decoder.layout().code();
    }
  }

  @Benchmark
  public int java(DecodeCounters counters) {
    // Like wasm, the steady state of an opened chunk, but for capsule.parquet: parquet-java's
    // reader decompresses the pages when it is opened, the wasm decoder while it decodes, so there
    // both pay decompression on every pass.
    JavaChunkDecoder decoder = javaOpened != null ? javaOpened : JavaDecoders.open(PARQUET, data.chunk());
    for (int first = 0; first < rows; first += BATCH_ROWS) {
      decoder.decodeInto(first, Math.min(BATCH_ROWS, rows - first), vector);
    }
    count(counters);
    return vector.getValueCount();
  }

  @Benchmark
  public long memcpy(DecodeCounters counters) {
    long total = data.decodedBytes();
    long step = bytesPerBatch();
    long source = copySource.memoryAddress();
    long target = copyTarget.memoryAddress();
    for (long done = 0; done < total; done += step) {
      MemoryUtil.copyMemory(source + done, target, Math.min(step, total - done));
    }
    count(counters);
    return MemoryUtil.getLong(target);
  }

  private long bytesPerBatch() {
    long batches = (rows + BATCH_ROWS - 1) / BATCH_ROWS;
    return (data.decodedBytes() + batches - 1) / Math.max(1, batches);
  }

  private void count(DecodeCounters counters) {
    counters.values += rows;
    counters.bytes += data.decodedBytes();
  }
}
