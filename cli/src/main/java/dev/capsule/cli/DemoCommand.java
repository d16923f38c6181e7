package dev.capsule.cli;

import dev.capsule.bench.tpch.LineItemTable;
import dev.capsule.decoders.reference.ReferenceDecoder;
import dev.capsule.writer.encoding.Encodings;
import dev.capsule.format.FileMetadata;
import dev.capsule.format.FooterCodec;
import dev.capsule.decoders.ValueKind;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.RowGroup;
import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.writer.CapsuleWriter;
import dev.capsule.writer.WriterOptions;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generate TPC-H lineitem, write it as a Capsule file, read it back through the decoders stored in",
      "the file, check every value against the generator, and print per column the encoding the writer",
      "chose, its size, and the decode throughput."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--scale", paramLabel = "SF", description = "TPC-H scale factor (default: ${DEFAULT-VALUE}, about 600,000 rows)")
  double scale = 0.1;

  @Option(names = "--output", paramLabel = "FILE", description = "where to write the file (default: a temporary file, deleted afterwards)")
  Path output;

  @Option(names = "--row-group-rows", paramLabel = "N", description = "rows per row group (default: ${DEFAULT-VALUE})")
  int rowGroupRows = WriterOptions.DEFAULT_ROW_GROUP_ROWS;

  @Option(names = "--repeat", paramLabel = "N", description = "decode each column N times and report the best (default: ${DEFAULT-VALUE})")
  int repeat = 3;

  @Spec CommandSpec spec;

  private static final int BATCH = ScanOptions.DEFAULT_BATCH_ROWS;

  @Override
  public Integer call() throws Exception {
    if (scale <= 0 || repeat < 1) {
      throw new IllegalArgumentException("--scale must be positive and --repeat at least 1");
    }
    if (rowGroupRows % BATCH != 0) {
      throw new IllegalArgumentException("--row-group-rows must be a multiple of " + BATCH + " so batches line up for verification");
    }
    PrintWriter out = spec.commandLine().getOut();
    Path file = output != null ? output : Files.createTempFile("capsule-demo-", ".capsule");
    try (BufferAllocator allocator = new RootAllocator()) {
      long start = System.nanoTime();
      long rows = write(file, allocator);
      out.printf("wrote   %,d lineitem rows (SF %s) to %s: %,d bytes in %.1f s (%.1f s of it in the writer, the rest generating)%n",
          rows, scale, file, Files.size(file), seconds(start), writerNanos / 1e9);
      out.flush();

      start = System.nanoTime();
      long verified = verify(file, allocator);
      out.printf("checked %,d rows x %d columns against the generator: all equal (%.1f s)%n",
          verified, LineItemTable.SCHEMA.getFields().size(), seconds(start));
      out.println();
      printColumns(file, allocator, out);
    } finally {
      if (output == null) {
        Files.deleteIfExists(file);
      }
    }
    return 0;
  }

  private long writerNanos;

  private long write(Path file, BufferAllocator allocator) throws Exception {
    LineItemTable source = new LineItemTable(scale);
    WriterOptions options = WriterOptions.builder().rowGroupRows(rowGroupRows).build();
    long rows = 0;
    try (VectorSchemaRoot batch = LineItemTable.newRoot(allocator)) {
      CapsuleWriter writer = CapsuleWriter.create(file, LineItemTable.SCHEMA, options);
      try {
        int n;
        while ((n = source.nextBatch(batch, BATCH)) > 0) {
          long start = System.nanoTime();
          writer.write(batch);
          writerNanos += System.nanoTime() - start;
          rows += n;
          progress("writing", rows);
        }
        progressDone();
        long start = System.nanoTime();
        writer.close();
        writerNanos += System.nanoTime() - start;
      } catch (Exception | Error e) {
        writer.abort(); // generation failed: leave no temporary file behind
        throw e;
      }
    }
    return rows;
  }

  /** Reads the file back and compares every batch with a second run of the generator. */
  private long verify(Path file, BufferAllocator allocator) throws Exception {
    LineItemTable source = new LineItemTable(scale);
    long rows = 0;
    try (VectorSchemaRoot expected = LineItemTable.newRoot(allocator);
        CapsuleReader reader = CapsuleReader.open(file);
        ArrowReader batches = reader.scan(allocator, ScanOptions.all().withBatchRows(BATCH))) {
      VectorSchemaRoot actual = batches.getVectorSchemaRoot();
      while (batches.loadNextBatch()) {
        int n = source.nextBatch(expected, BATCH);
        if (n != actual.getRowCount()) {
          throw new IllegalStateException("batch at row " + rows + " has " + actual.getRowCount() + " rows, expected " + n);
        }
        for (int c = 0; c < expected.getFieldVectors().size(); c++) {
          FieldVector want = expected.getVector(c);
          FieldVector got = actual.getVector(c);
          if (!VectorEqualsVisitor.vectorEquals(want, got)) {
            throw new IllegalStateException(firstDifference(want, got, rows));
          }
        }
        rows += n;
        progress("verifying", rows);
      }
      progressDone();
      if (source.nextBatch(expected, 1) != 0) {
        throw new IllegalStateException("the file ends after " + rows + " rows but the generator has more");
      }
    }
    return rows;
  }

  /** A progress line on the terminal only: redirected output stays free of carriage returns. */
  private static void progress(String what, long rows) {
    if (System.console() != null && rows % (BATCH * 16L) == 0) {
      System.err.printf("\r  %s: %,d rows", what, rows);
      System.err.flush();
    }
  }

  private static void progressDone() {
    if (System.console() != null) {
      System.err.print("\r\033[K");
      System.err.flush();
    }
  }

  private static String firstDifference(FieldVector want, FieldVector got, long batchStart) {
    for (int i = 0; i < want.getValueCount(); i++) {
      Object a = want.getObject(i);
      Object b = got.getObject(i);
      if (a == null ? b != null : !a.equals(b)) {
        return "column " + want.getName() + ", row " + (batchStart + i) + ": expected " + a + ", decoded " + b;
      }
    }
    return "column " + want.getName() + " differs near row " + batchStart;
  }

  private void printColumns(Path file, BufferAllocator allocator, PrintWriter out) throws Exception {
    try (CapsuleReader reader = CapsuleReader.open(file)) {
      FileMetadata metadata = reader.metadata();
      List<Field> fields = metadata.schema().getFields();
      out.printf("%-16s %-24s %-18s %12s %10s %12s %12s%n", "column", "type", "encoding", "bytes", "bytes/row",
          "wasm M/s", "java M/s");
      long total = 0;
      for (int c = 0; c < fields.size(); c++) {
        Map<String, Integer> encodings = new TreeMap<>();
        long bytes = 0;
        for (RowGroup group : metadata.footer().getRowGroupsList()) {
          ColumnChunk chunk = group.getColumns(c);
          encodings.merge(chunk.getEncoding().replace("capsule.", ""), 1, Integer::sum);
          bytes += chunk.getLength();
        }
        total += bytes;
        double wasm = 0;
        double java = 0;
        for (int r = 0; r < repeat; r++) {
          wasm = Math.max(wasm, decodeRate(reader, allocator, fields.get(c).getName()));
          java = Math.max(java, referenceRate(file, metadata, c));
        }
        out.printf("%-16s %-24s %-18s %,12d %10.2f %12.1f %12.1f%n", fields.get(c).getName(), fields.get(c).getType(),
            describe(encodings), bytes, bytes / (double) Math.max(1, reader.rowCount()), wasm, java);
      }
      out.printf("%-16s %-24s %-18s %,12d %10.2f%n", "all columns", "", "", total, total / (double) Math.max(1, reader.rowCount()));
      out.println();
      out.println("wasm M/s: million values per second decoded by the file's wasm decoders (Chicory compiler) into Arrow");
      out.println("  vectors, one column at a time, one thread, batches of " + BATCH + " rows, best of " + repeat
          + "; includes checksums and output validation.");
      out.println("java M/s: the same chunks decoded whole by the plain-Java reference decoders (the test oracle, written");
      out.println("  for clarity, not speed) into Java arrays, best of " + repeat + ".");
    }
    out.flush();
  }

  private static double decodeRate(CapsuleReader reader, BufferAllocator allocator, String column) throws Exception {
    long start = System.nanoTime();
    long values = 0;
    try (ArrowReader batches = reader.scan(allocator, ScanOptions.all().withColumns(List.of(column)))) {
      while (batches.loadNextBatch()) {
        values += batches.getVectorSchemaRoot().getRowCount();
      }
    }
    return values / seconds(start) / 1e6;
  }

  private static double referenceRate(Path file, FileMetadata metadata, int column) throws Exception {
    long nanos = 0;
    long values = 0;
    try (FileChannel channel = FileChannel.open(file)) {
      for (RowGroup group : metadata.footer().getRowGroupsList()) {
        ColumnChunk chunk = group.getColumns(column);
        byte[] bytes = FooterCodec.readFully(channel, chunk.getOffset(), (int) chunk.getLength(), file.toString()).array();
        String module = metadata.footer().getDecoders(chunk.getDecoder()).getName().replace("capsule.", "");
        ReferenceDecoder decoder = Encodings.referenceDecoder(module);
        long start = System.nanoTime();
        values += decoder.decodeAll(bytes, ValueKind.OPAQUE).rowCount();
        nanos += System.nanoTime() - start;
      }
    }
    return values / (nanos / 1e9) / 1e6;
  }

  private static String describe(Map<String, Integer> encodings) {
    if (encodings.size() == 1) {
      return encodings.keySet().iterator().next();
    }
    StringBuilder s = new StringBuilder();
    encodings.forEach((name, count) -> s.append(s.length() == 0 ? "" : ",").append(name).append('x').append(count));
    return s.toString();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
