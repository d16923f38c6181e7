package dev.capsule.cli;

import dev.capsule.reader.CapsuleReader;
import dev.capsule.reader.ScanOptions;
import dev.capsule.writer.parquet.Int96Unit;
import dev.capsule.writer.parquet.ParquetSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compare.Range;
import org.apache.arrow.vector.compare.RangeEqualsVisitor;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check that a Capsule file holds exactly the values of a Parquet file: parquet-java reads the",
      "Parquet file, the Capsule file's own decoders read the Capsule file, and every value of every",
      "column is compared (bit for bit: NaN equals NaN, -0.0 differs from 0.0). Prints the first",
      "difference (row, column, both values) and exits with status 1, or confirms equality with 0.",
      "Use the same --columns and --int96-unit as the conversion did."
    })
final class VerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PARQUET", description = "the Parquet file")
  Path parquet;

  @Parameters(index = "1", paramLabel = "CAPSULE", description = "the Capsule file")
  Path capsule;

  @Option(names = "--columns", split = ",", paramLabel = "NAME", description = "compare only these columns")
  List<String> columns;

  @Option(names = "--int96-unit", paramLabel = "UNIT", description = "the unit INT96 values were converted to (default: ${DEFAULT-VALUE})")
  Int96Unit int96 = Int96Unit.NANOSECOND;

  @Spec CommandSpec spec;

  private static final int BATCH = ScanOptions.DEFAULT_BATCH_ROWS;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (BufferAllocator allocator = new RootAllocator();
        ParquetSource source = ParquetSource.open(parquet, columns, int96);
        CapsuleReader reader = CapsuleReader.open(capsule)) {
      List<Field> expected = source.schema().getFields();
      List<Field> actual = reader.schema().getFields();
      if (columns != null) {
        // In the order of --columns, as the Parquet side has them and the scan returns them.
        actual = new ArrayList<>();
        for (String name : columns) {
          Field field = find(reader.schema().getFields(), name);
          if (field == null) {
            out.println("different: the Capsule file has no column '" + name + "'");
            return 1;
          }
          actual.add(field);
        }
      }
      String schemaDifference = schemaDifference(expected, actual);
      if (schemaDifference != null) {
        out.println("different: " + schemaDifference);
        return 1;
      }
      List<String> names = expected.stream().map(Field::getName).toList();
      try (VectorSchemaRoot left = VectorSchemaRoot.create(source.schema(), allocator);
          ArrowReader batches = reader.scan(allocator, ScanOptions.all().withColumns(names).withBatchRows(BATCH))) {
        String difference = compare(source, left, batches);
        if (difference != null) {
          out.println("different: " + difference);
          return 1;
        }
      }
      out.printf("equal: %,d rows x %d columns, every value the same%n", source.rowsRead(), expected.size());
      return 0;
    }
  }

  private static Field find(List<Field> fields, String name) {
    return fields.stream().filter(f -> f.getName().equals(name)).findFirst().orElse(null);
  }

  private static String schemaDifference(List<Field> expected, List<Field> actual) {
    if (expected.size() != actual.size()) {
      return "the Parquet file has " + expected.size() + " columns, the Capsule file " + actual.size();
    }
    for (int c = 0; c < expected.size(); c++) {
      Field a = expected.get(c);
      Field b = actual.get(c);
      if (!a.getName().equals(b.getName()) || !a.getType().equals(b.getType()) || a.isNullable() != b.isNullable()) {
        return "column " + c + " is " + describe(a) + " in the Parquet file, " + describe(b) + " in the Capsule file";
      }
    }
    return null;
  }

  private static String describe(Field field) {
    return "'" + field.getName() + "' " + field.getType() + (field.isNullable() ? "" : " not null");
  }

  /**
   * Walks both files in step; their batches end at different rows (each follows its own row
   * groups), so the comparison goes range by range over whatever both sides have at hand.
   */
  private static String compare(ParquetSource source, VectorSchemaRoot left, ArrowReader right) throws IOException {
    VectorSchemaRoot rightRoot = right.getVectorSchemaRoot();
    int leftAt = 0;
    int leftRows = 0;
    int rightAt = 0;
    int rightRows = 0;
    long row = 0;
    while (true) {
      if (leftAt == leftRows) {
        leftRows = source.nextBatch(left, BATCH);
        leftAt = 0;
      }
      if (rightAt == rightRows) {
        rightRows = right.loadNextBatch() ? rightRoot.getRowCount() : 0;
        rightAt = 0;
      }
      if (leftRows == 0 || rightRows == 0) {
        if (leftRows != rightRows) {
          return "the Parquet file has " + (leftRows == 0 ? "" : "more than ") + row + " rows, the Capsule file "
              + (rightRows == 0 ? "" : "more than ") + row;
        }
        return null;
      }
      int length = Math.min(leftRows - leftAt, rightRows - rightAt);
      for (int c = 0; c < left.getFieldVectors().size(); c++) {
        FieldVector a = left.getVector(c);
        FieldVector b = rightRoot.getVector(c);
        if (!new RangeEqualsVisitor(a, b).rangeEquals(new Range(leftAt, rightAt, length))) {
          return firstDifference(a, leftAt, b, rightAt, length, row);
        }
      }
      leftAt += length;
      rightAt += length;
      row += length;
    }
  }

  private static String firstDifference(FieldVector a, int aStart, FieldVector b, int bStart, int length, long row) {
    for (int i = 0; i < length; i++) {
      Object x = a.getObject(aStart + i);
      Object y = b.getObject(bStart + i);
      if (!Objects.deepEquals(x, y)) {
        return "row " + (row + i) + ", column '" + a.getName() + "': Parquet " + show(x) + ", Capsule " + show(y);
      }
    }
    // Equal as objects but not bit for bit (NaN payloads, -0.0): name the range.
    return "column '" + a.getName() + "' differs bit for bit in rows " + row + " to " + (row + length - 1);
  }

  private static String show(Object value) {
    if (value instanceof byte[]) {
      return java.util.HexFormat.of().formatHex((byte[]) value);
    }
    return String.valueOf(value);
  }
}
