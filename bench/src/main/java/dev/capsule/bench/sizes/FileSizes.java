package dev.capsule.bench.sizes;

import dev.capsule.bench.data.BenchData;
import dev.capsule.bench.data.LineItemFiles;
import dev.capsule.format.FileMetadata;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.RowGroup;
import dev.capsule.reader.CapsuleReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;

/**
 * Bytes per column of the same lineitem rows as Capsule and as Parquet with snappy and with zstd:
 * Capsule's from the chunk lengths in its footer, Parquet's from the total compressed sizes of the
 * column chunks in its footer (pages, page headers and dictionary pages). The file totals also hold
 * what no column owns (Capsule's decoder modules and footer, Parquet's footer).
 *
 * @param columns one line per column, in schema order
 * @param rows rows in the files
 */
public record FileSizes(long rows, List<ColumnSizes> columns, ColumnSizes files) {

  /** Bytes of one column (or of whole files) in each format. */
  public record ColumnSizes(String column, long capsule, long snappyParquet, long zstdParquet) {}

  /** Prints the table for a scale factor (default 1), generating the cached files if needed. */
  public static void main(String[] args) throws IOException {
    double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    PrintWriter out = new PrintWriter(System.out, true);
    out.println("TPC-H lineitem SF " + scale + ", bytes (cache: " + BenchData.cacheDir() + ")");
    measure(BenchData.lineItem(scale)).print(out);
  }

  public static FileSizes measure(LineItemFiles files) throws IOException {
    Map<String, Long> snappy = parquetColumns(files.snappyParquet());
    Map<String, Long> zstd = parquetColumns(files.zstdParquet());
    List<ColumnSizes> columns = new ArrayList<>();
    long rows;
    try (CapsuleReader reader = CapsuleReader.open(files.capsule())) {
      FileMetadata metadata = reader.metadata();
      rows = metadata.rowCount();
      List<Field> fields = metadata.schema().getFields();
      for (int c = 0; c < fields.size(); c++) {
        long bytes = 0;
        for (RowGroup group : metadata.footer().getRowGroupsList()) {
          ColumnChunk chunk = group.getColumns(c);
          bytes += chunk.getLength();
        }
        String name = fields.get(c).getName();
        columns.add(new ColumnSizes(name, bytes, snappy.getOrDefault(name, 0L), zstd.getOrDefault(name, 0L)));
      }
    }
    ColumnSizes total = new ColumnSizes("file", Files.size(files.capsule()), Files.size(files.snappyParquet()),
        Files.size(files.zstdParquet()));
    return new FileSizes(rows, columns, total);
  }

  private static Map<String, Long> parquetColumns(Path file) throws IOException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          sizes.merge(column.getPath().toDotString(), column.getTotalSize(), Long::sum);
        }
      }
    }
    return sizes;
  }

  /** The sum over columns. */
  public ColumnSizes columnTotal() {
    long capsule = 0;
    long snappy = 0;
    long zstd = 0;
    for (ColumnSizes c : columns) {
      capsule += c.capsule();
      snappy += c.snappyParquet();
      zstd += c.zstdParquet();
    }
    return new ColumnSizes("all columns", capsule, snappy, zstd);
  }

  /** A text table: bytes per column and per file, and bytes per row. */
  public void print(PrintWriter out) {
    out.printf("%-16s %14s %14s %14s %10s %10s%n", "column", "capsule", "parquet-snappy", "parquet-zstd",
        "cap/snappy", "cap/zstd");
    for (ColumnSizes c : columns) {
      line(out, c);
    }
    line(out, columnTotal());
    line(out, files);
    out.printf("%-16s %14.2f %14.2f %14.2f   (file bytes per row, %,d rows)%n", "bytes/row",
        files.capsule() / (double) Math.max(1, rows), files.snappyParquet() / (double) Math.max(1, rows),
        files.zstdParquet() / (double) Math.max(1, rows), rows);
  }

  private static void line(PrintWriter out, ColumnSizes c) {
    out.printf("%-16s %,14d %,14d %,14d %10s %10s%n", c.column(), c.capsule(), c.snappyParquet(), c.zstdParquet(),
        ratio(c.capsule(), c.snappyParquet()), ratio(c.capsule(), c.zstdParquet()));
  }

  private static String ratio(long a, long b) {
    return b == 0 ? "-" : String.format("%.2f", a / (double) b);
  }
}
