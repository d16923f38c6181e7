package dev.capsule.writer.parquet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/** Parquet files written here with parquet-java, some of them then damaged on purpose. */
final class ParquetFiles {
  private ParquetFiles() {}

  /** Fills one row. */
  @FunctionalInterface
  interface Row {
    void fill(Group row);
  }

  /** A file of the given schema and rows, written with parquet-java's defaults. */
  static Path write(Path file, String schema, List<Row> rows) throws IOException {
    return write(file, schema, rows, false);
  }

  /**
   * A file of the given schema and rows; {@code deltaByteArray} writes FIXED_LEN_BYTE_ARRAY with
   * DELTA_BYTE_ARRAY (format 2, no dictionary), whose values parquet-java does not check against
   * the declared width - on writing or reading.
   */
  static Path write(Path file, String schema, List<Row> rows, boolean deltaByteArray) throws IOException {
    MessageType type = MessageTypeParser.parseMessageType(schema);
    SimpleGroupFactory groups = new SimpleGroupFactory(type);
    ExampleParquetWriter.Builder builder = ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(type);
    if (deltaByteArray) {
      builder.withWriterVersion(WriterVersion.PARQUET_2_0).withDictionaryEncoding(false);
    }
    try (ParquetWriter<Group> writer = builder.build()) {
      for (Row row : rows) {
        Group group = groups.newGroup();
        row.fill(group);
        writer.write(group);
      }
    }
    return file;
  }

  /** Rewrites the file's footer (Thrift FileMetaData) after {@code change}; the pages stay as they are. */
  static void changeFooter(Path file, Consumer<FileMetaData> change) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int start = bytes.length - 8 - length;
    FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(bytes, start, length));
    change.accept(metadata);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, start);
    Util.writeFileMetaData(metadata, out);
    int newLength = out.size() - start;
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(newLength).array());
    out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
    Files.write(file, out.toByteArray());
  }
}
