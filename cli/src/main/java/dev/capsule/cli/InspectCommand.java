package dev.capsule.cli;

import dev.capsule.format.Checksums;
import dev.capsule.format.FileMetadata;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.DecoderModule;
import dev.capsule.format.proto.Footer;
import dev.capsule.format.proto.RowGroup;
import dev.capsule.format.proto.Statistics;
import dev.capsule.reader.CapsuleReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Show what is inside a Capsule file: schema, row groups, the encoding and size of every "
        + "column chunk, and the decoder modules with their SHA-256.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "a Capsule file")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (CapsuleReader reader = CapsuleReader.open(file)) {
      FileMetadata metadata = reader.metadata();
      Footer footer = metadata.footer();
      out.printf("file         %s (%,d bytes)%n", file, Files.size(file));
      out.printf("format       %d.%d, created by %s%n", footer.getFormatMajor(), footer.getFormatMinor(), footer.getCreatedBy());
      out.printf("rows         %,d in %d row group(s)%n", footer.getRowCount(), footer.getRowGroupsCount());
      footer.getMetadataList().forEach(kv -> out.printf("metadata     %s = %s%n", kv.getKey(), kv.getValue()));
      out.println();
      out.println("schema");
      List<Field> fields = metadata.schema().getFields();
      for (Field field : fields) {
        out.printf("  %-24s %s%s%n", field.getName(), field.getType(), field.isNullable() ? "" : " not null");
      }
      for (int g = 0; g < footer.getRowGroupsCount(); g++) {
        RowGroup group = footer.getRowGroups(g);
        out.println();
        out.printf("row group %d: %,d rows%n", g, group.getRowCount());
        out.printf("  %-24s %-16s %12s %12s %8s %8s  %s%n", "column", "encoding", "offset", "bytes", "decoder", "nulls", "min .. max");
        for (int c = 0; c < fields.size(); c++) {
          ColumnChunk chunk = group.getColumns(c);
          out.printf("  %-24s %-16s %12d %12d %8d %8d  %s%n", fields.get(c).getName(), chunk.getEncoding(),
              chunk.getOffset(), chunk.getLength(), chunk.getDecoder(), chunk.getStatistics().getNullCount(),
              StatisticsText.format(chunk.getStatistics(), fields.get(c).getType()));
        }
      }
      out.println();
      out.println("decoder modules");
      out.printf("  %-4s %-18s %10s %10s  %s%n", "#", "name", "offset", "bytes", "sha256");
      for (int d = 0; d < footer.getDecodersCount(); d++) {
        DecoderModule module = footer.getDecoders(d);
        out.printf("  %-4d %-18s %10d %10d  %s%n", d, module.getName(), module.getOffset(), module.getLength(),
            Checksums.hex(module.getSha256().toByteArray()));
      }
    }
    return 0;
  }

}
