package dev.capsule.cli;

import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "cat",
    mixinStandardHelpOptions = true,
    description = {
      "Print the rows of a Capsule file, decoded by the decoder modules stored in it.",
      "Text output is tab-separated with a header line; nulls print as 'null'.",
      "With --format arrow, an Arrow IPC stream goes to standard output for any Arrow tool to read."
    })
final class CatCommand implements Callable<Integer> {
  enum Format { text, arrow }

  @Parameters(paramLabel = "FILE", description = "a Capsule file")
  Path file;

  @Option(names = "--columns", split = ",", paramLabel = "NAME", description = "columns to print, in this order (default: all)")
  List<String> columns;

  @Option(names = "--limit", paramLabel = "N", description = "print at most N rows (default: all)")
  long limit = Long.MAX_VALUE;

  @Option(names = "--offset", paramLabel = "N", description = "skip the first N rows (default: ${DEFAULT-VALUE})")
  long offset = 0;

  @Option(names = "--format", paramLabel = "FORMAT", description = "text or arrow (default: ${DEFAULT-VALUE})")
  Format format = Format.text;

  @Option(names = "--batch-rows", paramLabel = "N", description = "rows decoded per batch (default: ${DEFAULT-VALUE})")
  int batchRows = ScanOptions.DEFAULT_BATCH_ROWS;

  @Spec CommandSpec spec;

  @ParentCommand CapsuleCli cli;

  @Override
  public Integer call() throws Exception {
    if (limit < 0 || offset < 0) {
      throw new IllegalArgumentException("--limit and --offset must not be negative");
    }
    ScanOptions options = ScanOptions.all().withColumns(columns).withRows(offset, limit).withBatchRows(batchRows);
    try (BufferAllocator allocator = new RootAllocator();
        CapsuleReader reader = CapsuleReader.open(file);
        ArrowReader batches = reader.scan(allocator, options)) {
      if (format == Format.arrow) {
        writeArrow(batches, cli.stdout);
      } else {
        writeText(batches, spec.commandLine().getOut());
      }
    }
    return 0;
  }

  private static void writeArrow(ArrowReader batches, OutputStream out) throws Exception {
    OutputStream stdout = new BufferedOutputStream(out, 1 << 16);
    VectorSchemaRoot root = batches.getVectorSchemaRoot();
    try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(stdout))) {
      writer.start();
      while (batches.loadNextBatch()) {
        writer.writeBatch();
      }
      writer.end();
    }
    stdout.flush();
  }

  private static void writeText(ArrowReader batches, PrintWriter out) throws Exception {
    VectorSchemaRoot root = batches.getVectorSchemaRoot();
    List<FieldVector> vectors = root.getFieldVectors();
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < vectors.size(); c++) {
      line.append(c == 0 ? "" : "\t").append(vectors.get(c).getName());
    }
    out.println(line);
    while (batches.loadNextBatch()) {
      for (int row = 0; row < root.getRowCount(); row++) {
        line.setLength(0);
        for (int c = 0; c < vectors.size(); c++) {
          if (c > 0) {
            line.append('\t');
          }
          ValueText.append(line, vectors.get(c), row);
        }
        out.println(line);
      }
    }
    out.flush();
  }
}
