package dev.capsule.cli;

import dev.capsule.writer.WriterOptions;
import dev.capsule.writer.parquet.Int96Unit;
import dev.capsule.writer.parquet.ParquetConverter;
import dev.capsule.writer.parquet.ParquetConverter.Options;
import dev.capsule.writer.parquet.ParquetConverter.Result;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Convert Parquet files to Capsule, value for value: parquet-java reads every row group, the",
      "Capsule writer picks an encoding per column chunk (falling back to Parquet pages, decoded by",
      "a wasm module like every other chunk). Memory stays bounded by one Parquet row group and one",
      "Capsule row group. A failed conversion leaves no output file.",
      "",
      "INPUT is a Parquet file, a directory (every *.parquet in it) or a quoted glob such as",
      "'data/part-*.parquet'. With one input, OUTPUT is the Capsule file (or a directory to put",
      "it in); with several, OUTPUT is a directory that receives one .capsule per input, or with",
      "--merge the one Capsule file that receives them all.",
      "",
      "Nested columns (lists, maps, structs) are refused with the column's name: Capsule 1.x",
      "stores flat columns. --columns converts the others.",
      ""
    })
final class ConvertCommand implements Callable<Integer> {
  @Parameters(arity = "2..*", paramLabel = "INPUT... OUTPUT", description = "Parquet inputs, then the output")
  List<String> arguments;

  @Option(names = "--merge", description = "write all inputs into one Capsule file (their columns must match)")
  boolean merge;

  @Option(names = "--columns", split = ",", paramLabel = "NAME", description = "convert only these columns, in this order")
  List<String> columns;

  @Option(names = "--int96-unit", paramLabel = "UNIT", description = "the timestamp unit INT96 values become: "
      + "NANOSECOND (default, years 1677-2262), MICROSECOND, MILLISECOND or SECOND; a value that does not fit "
      + "exactly fails the conversion. RAW keeps the 12 bytes as they are, as fixed_size_binary(12)")
  Int96Unit int96 = Int96Unit.NANOSECOND;

  @Option(names = "--row-group-rows", paramLabel = "N", description = "rows per Capsule row group (default: ${DEFAULT-VALUE})")
  int rowGroupRows = WriterOptions.DEFAULT_ROW_GROUP_ROWS;

  @Option(names = "--force-encoding", paramLabel = "COLUMN=ENCODING", description = "use this encoding for the column, "
      + "e.g. l_comment=capsule.parquet (repeatable)")
  Map<String, String> forcedEncodings = Map.of();

  @Option(names = "--overwrite", description = "replace output files that exist (default: refuse)")
  boolean overwrite;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Path> inputs = ParquetInputs.resolve(arguments.subList(0, arguments.size() - 1));
    Path output = Path.of(arguments.get(arguments.size() - 1));
    WriterOptions.Builder writer = WriterOptions.builder().rowGroupRows(rowGroupRows)
        .createdBy(WriterOptions.DEFAULT_CREATED_BY + " (capsule convert)");
    forcedEncodings.forEach(writer::forceEncoding);
    Options options = Options.defaults().withWriter(writer.build()).withInt96(int96).withColumns(columns);

    if (merge || inputs.size() == 1) {
      Path target = Files.isDirectory(output) ? output.resolve(capsuleName(inputs.get(0))) : output;
      report(out, inputs, convert(inputs, target, options));
      return 0;
    }
    if (Files.exists(output) && !Files.isDirectory(output)) {
      throw new IllegalArgumentException(output + " is a file; with " + inputs.size()
          + " inputs, OUTPUT must be a directory (or use --merge)");
    }
    refuseClashingTargets(inputs, output);
    Files.createDirectories(output);
    int failed = 0;
    for (Path input : inputs) {
      try {
        report(out, List.of(input), convert(List.of(input), output.resolve(capsuleName(input)), options));
      } catch (IOException | RuntimeException e) {
        failed++;
        err.println("capsule: " + e.getMessage());
      }
    }
    if (failed > 0) {
      err.printf("capsule: %d of %d files failed to convert%n", failed, inputs.size());
      return 1;
    }
    return 0;
  }

  /**
   * Each input converts to its .capsule in the output directory. Inputs of one name in different
   * directories (or one input named twice) would write one file, the last replacing the others:
   * refused before anything is converted.
   */
  private static void refuseClashingTargets(List<Path> inputs, Path output) {
    Map<Path, List<Path>> byTarget = new LinkedHashMap<>();
    for (Path input : inputs) {
      byTarget.computeIfAbsent(output.resolve(capsuleName(input)), t -> new ArrayList<>()).add(input);
    }
    List<String> clashes = new ArrayList<>();
    byTarget.forEach((target, sources) -> {
      if (sources.size() > 1) {
        clashes.add(target + " from " + sources);
      }
    });
    if (!clashes.isEmpty()) {
      throw new IllegalArgumentException("several inputs would convert to the same file: " + String.join("; ", clashes)
          + "; convert them into different directories, or into one file with --merge");
    }
  }

  private Result convert(List<Path> inputs, Path target, Options options) throws IOException {
    if (Files.exists(target) && !overwrite) {
      throw new FileAlreadyExistsException(target.toString(), null, "exists; pass --overwrite to replace it");
    }
    String task = inputs.size() == 1 ? inputs.get(0).getFileName().toString() : inputs.size() + " files";
    try (ProgressBar bar = progressBar(task)) {
      return ParquetConverter.convert(inputs, target, options, (done, total) -> {
        if (bar != null) {
          bar.maxHint(total);
          bar.stepTo(done);
        }
      });
    }
  }

  /** A progress bar on a terminal only: redirected output stays free of control characters. */
  private static ProgressBar progressBar(String task) {
    if (System.console() == null) {
      return null;
    }
    return new ProgressBarBuilder().setTaskName(task).setUnit(" rows", 1).showSpeed()
        .setStyle(ProgressBarStyle.ASCII).continuousUpdate().setMaxRenderedLength(100).build();
  }

  private static String capsuleName(Path parquet) {
    String name = parquet.getFileName().toString();
    return (name.endsWith(".parquet") ? name.substring(0, name.length() - ".parquet".length()) : name) + ".capsule";
  }

  private static void report(PrintWriter out, List<Path> inputs, Result result) {
    double seconds = result.time().toNanos() / 1e9;
    out.printf("%s -> %s%n", inputs.size() == 1 ? inputs.get(0) : inputs.size() + " Parquet files", result.output());
    out.printf("  %,d rows x %d columns in %.1f s (%,.0f rows/s)%n", result.rows(), result.columns(), seconds,
        result.rows() / Math.max(seconds, 1e-9));
    out.printf("  %,d bytes of Parquet -> %,d bytes of Capsule (%.2fx)%n", result.bytesIn(), result.bytesOut(),
        result.bytesOut() / (double) Math.max(1, result.bytesIn()));
    result.encodings().forEach((column, encodings) -> out.printf("  %-24s %s%n", column, describe(encodings)));
    out.flush();
  }

  /** "capsule.dict" or "capsule.dict x3, capsule.parquet x1" when row groups differ. */
  private static String describe(Map<String, Integer> encodings) {
    if (encodings.size() == 1) {
      return encodings.keySet().iterator().next();
    }
    StringBuilder s = new StringBuilder();
    encodings.forEach((name, count) -> s.append(s.length() == 0 ? "" : ", ").append(name).append(" x").append(count));
    return s.toString();
  }
}
