package dev.capsule.bench.data;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Arrow batches into a Parquet file with parquet-java's defaults (format v1 writer, dictionary
 * encoding on, 128 MiB row groups, 1 MiB pages) and the given compression codec.
 */
final class ParquetFileWriter implements AutoCloseable {
  private final ArrowWriteSupport support;
  private final ParquetWriter<Integer> writer;

  ParquetFileWriter(Path file, Schema schema, CompressionCodecName codec) throws IOException {
    this.support = new ArrowWriteSupport(schema);
    this.writer = new Builder(new LocalOutputFile(file), support).withCompressionCodec(codec).build();
  }

  void write(VectorSchemaRoot batch) throws IOException {
    support.setBatch(batch);
    for (int i = 0; i < batch.getRowCount(); i++) {
      writer.write(i);
    }
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
    private final ArrowWriteSupport support;

    Builder(OutputFile file, ArrowWriteSupport support) {
      super(file);
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(Configuration conf) {
      return support;
    }
  }
}
