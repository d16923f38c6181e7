package dev.capsule.decoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.capsule.decoders.ParquetChunks.Captured;
import dev.capsule.decoders.ParquetChunks.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.Random;
import java.util.function.Function;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xerial.snappy.Snappy;

/**
 * Decode throughput of the parquet module against parquet-java's ColumnReader on the same pages,
 * in the same JVM: 1M-row INT64 and BYTE_ARRAY (utf8) columns, PLAIN and dictionary, uncompressed
 * and snappy, parquet-java's default page limits (1 MiB, 20 000 rows), data page v1. The wasm side
 * decodes 64K-row batches through Chicory's compiler over its built-in ByteArrayMemory (the
 * reader's own off-heap memory is faster); the Java side decompresses each page with snappy-java
 * and reads every value through ColumnReader. Run with -Dcapsule.bench=true.
 */
@EnabledIfSystemProperty(named = "capsule.bench", matches = "true")
class ParquetThroughputTest {
  private static final int ROWS = 1 << 20;
  private static final int BATCH = 1 << 16;

  @Test
  void throughput() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-34s %12s %12s %8s", "column", "wasm Mv/s", "java Mv/s", "bytes"));
    for (PrimitiveTypeName type : new PrimitiveTypeName[] {PrimitiveTypeName.INT64, PrimitiveTypeName.BINARY}) {
      for (boolean dictionary : new boolean[] {false, true}) {
        for (int codec : new int[] {ParquetChunks.UNCOMPRESSED, ParquetChunks.SNAPPY}) {
          for (boolean optional : new boolean[] {false, true}) {
            String only = System.getProperty("capsule.bench.only", "");
            if (name(type, dictionary, codec, optional).contains(only)) {
              lines.add(run(type, dictionary, codec, optional));
            }
          }
        }
      }
    }
    System.out.println("capsule.parquet decode throughput, " + ROWS + " rows, batches of " + BATCH + ":");
    lines.forEach(System.out::println);
  }

  static String name(PrimitiveTypeName type, boolean dictionary, int codec, boolean optional) {
    return (type == PrimitiveTypeName.INT64 ? "int64" : "utf8") + (dictionary ? " dict" : " plain")
        + (codec == 1 ? " snappy" : " uncompressed") + (optional ? " 10% null" : "");
  }

  static Object[] data(PrimitiveTypeName type, boolean dictionary, boolean optional, Random rnd) {
    Object[] pool = new Object[1000];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = value(type, rnd);
    }
    Object[] v = new Object[ROWS];
    for (int i = 0; i < ROWS; i++) {
      if (optional && rnd.nextInt(10) == 0) {
        continue;
      }
      v[i] = dictionary ? pool[rnd.nextInt(pool.length)] : value(type, rnd);
    }
    return v;
  }

  static Object value(PrimitiveTypeName type, Random rnd) {
    if (type == PrimitiveTypeName.INT64) {
      return rnd.nextLong() >> rnd.nextInt(40);
    }
    char[] c = new char[8 + rnd.nextInt(17)];
    for (int k = 0; k < c.length; k++) {
      c[k] = (char) ('a' + rnd.nextInt(26));
    }
    return Binary.fromString(new String(c));
  }

  static String run(PrimitiveTypeName type, boolean dictionary, int codec, boolean optional) {
    Random rnd = new Random(42);
    Object[] values = data(type, dictionary, optional, rnd);
    PrimitiveType column = ParquetChunks.column(type, 0, optional);
    Options o = Options.defaults().codec(codec).dictionary(dictionary, false).limits(20_000, 1 << 20, 1 << 20);
    ParquetChunks.Capture capture = ParquetChunks.write(column, values, o);
    byte[] chunk = ParquetChunks.chunk(column, values, o);
    int layout = ParquetChunks.layoutCode(type, 0);

    Wasm wasm = new Wasm(chunk);
    long checksum = 0;
    for (int i = 0; i < 20; i++) { // warm-up: JIT
      checksum += wasm.decodeAll(layout);
      checksum += java(capture, column, codec);
    }
    long wasmBest = Long.MAX_VALUE, javaBest = Long.MAX_VALUE;
    for (int i = 0, n = Integer.getInteger("capsule.bench.iterations", 15); i < n; i++) {
      long t0 = System.nanoTime();
      checksum += wasm.decodeAll(layout);
      long t1 = System.nanoTime();
      checksum += java(capture, column, codec);
      long t2 = System.nanoTime();
      wasmBest = Math.min(wasmBest, t1 - t0);
      javaBest = Math.min(javaBest, t2 - t1);
    }
    assertNotEquals(42, checksum);
    return String.format(Locale.ROOT, "%-34s %12.1f %12.1f %8d", name(type, dictionary, codec, optional), ROWS * 1e3 / wasmBest,
        ROWS * 1e3 / javaBest, chunk.length);
  }

  /** One instance with the chunk opened; plain ByteArrayMemory, no guard zones. */
  static final class Wasm {
    final Memory memory;
    final ExportFunction decode;
    final int handle;
    final int out;

    private static final WasmModule MODULE = Parser.parse(ShippedDecoders.bytes("parquet"));
    private static final Function<Instance, Machine> MACHINES = MachineFactoryCompiler.builder(MODULE)
        .withInterpreterFallback(InterpreterFallback.FAIL).compile();

    Wasm(byte[] chunk) {
      Instance instance = Instance.builder(MODULE)
          .withMemoryFactory(ByteArrayMemory::new)
          .withMachineFactory(MACHINES)
          .build();
      memory = instance.memory();
      ExportFunction alloc = instance.export("capsule_alloc");
      out = (int) alloc.apply(60)[0];
      int p = (int) alloc.apply(chunk.length)[0];
      memory.write(p, chunk);
      handle = (int) instance.export("capsule_open").apply(p, chunk.length)[0];
      assertNotEquals(0, handle);
      decode = instance.export("capsule_decode");
    }

    /** Decodes every row in batches; returns something that depends on the output. */
    long decodeAll(int layout) {
      long sum = 0;
      for (int first = 0; first < ROWS; first += BATCH) {
        int count = Math.min(BATCH, ROWS - first);
        assertEquals(0, (int) decode.apply(handle, first, count, out)[0]);
        int buffers = memory.readInt(out + 40);
        sum += memory.readLong(out + 8) + memory.readInt(buffers + 4);
        if (layout == 255) {
          sum += memory.readInt(memory.readInt(buffers + 4) + 4 * count); // data size
        }
      }
      return sum;
    }
  }

  /** parquet-java: decompress every page (snappy-java) and read all values with ColumnReader. */
  static long java(ParquetChunks.Capture capture, PrimitiveType column, int codec) {
    MessageType schema = new MessageType("m", column);
    ColumnDescriptor desc = schema.getColumns().get(0);
    PageReadStore store = new Pages(capture, codec, desc);
    ColumnReader cr = new ColumnReadStoreImpl(store, new GroupRecordConverter(schema).getRootConverter(),
        schema, "bench").getColumnReader(desc);
    long sum = 0;
    int maxDef = desc.getMaxDefinitionLevel();
    boolean longs = column.getPrimitiveTypeName() == PrimitiveTypeName.INT64;
    for (long i = 0, n = cr.getTotalValueCount(); i < n; i++) {
      if (cr.getCurrentDefinitionLevel() == maxDef) {
        sum += longs ? cr.getLong() : cr.getBinary().length();
      }
      cr.consume();
    }
    return sum;
  }

  /** The captured pages, compressed as in the chunk and decompressed on reading. */
  static final class Pages implements PageReadStore, PageReader {
    private final ArrayDeque<Captured> pages;
    private final DictionaryPage dictionary;
    private final int codec;
    private final long values;

    Pages(ParquetChunks.Capture capture, int codec, ColumnDescriptor desc) {
      this.codec = codec;
      this.pages = new ArrayDeque<>(precompressed(capture.data, codec));
      this.dictionary = capture.dictionary == null ? null : new DictionaryPage(
          BytesInput.from(uncompress(ParquetChunks.compress(capture.dictionary.values(), codec), capture.dictionary.values().length)),
          capture.dictionary.valueCount(), capture.dictionary.encoding());
      this.values = capture.data.stream().mapToLong(Captured::valueCount).sum();
    }

    private static List<Captured> precompressed(List<Captured> data, int codec) {
      List<Captured> out = new ArrayList<>();
      for (Captured p : data) {
        out.add(new Captured(p.type(), p.valueCount(), p.values().length, p.nullCount(), p.encoding(),
            p.dlEncoding(), null, ParquetChunks.compress(p.values(), codec), p.stats()));
      }
      return out;
    }

    private byte[] uncompress(byte[] b, int size) {
      if (codec == ParquetChunks.UNCOMPRESSED) {
        return b;
      }
      try {
        byte[] out = new byte[size];
        Snappy.uncompress(b, 0, b.length, out, 0);
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public PageReader getPageReader(ColumnDescriptor descriptor) {
      return this;
    }

    @Override
    public long getRowCount() {
      return values;
    }

    @Override
    public Optional<PrimitiveIterator.OfLong> getRowIndexes() {
      return Optional.empty();
    }

    @Override
    public DictionaryPage readDictionaryPage() {
      return dictionary;
    }

    @Override
    public long getTotalValueCount() {
      return values;
    }

    @Override
    public DataPage readPage() {
      Captured p = pages.poll();
      if (p == null) {
        return null;
      }
      // rowCount carries the uncompressed size here (see precompressed).
      byte[] body = uncompress(p.values(), p.rowCount());
      return new DataPageV1(BytesInput.from(body), p.valueCount(), body.length, null, Encoding.RLE,
          p.dlEncoding(), p.encoding());
    }
  }
}
