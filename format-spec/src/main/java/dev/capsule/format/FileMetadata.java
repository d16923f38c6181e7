package dev.capsule.format;

import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.proto.ColumnChunk;
import dev.capsule.format.proto.DecoderModule;
import dev.capsule.format.proto.Footer;
import dev.capsule.format.proto.RowGroup;
import dev.capsule.format.proto.Statistics;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A footer whose content has been checked against the file it came from: the schema parses and
 * every type has a layout, every chunk and module lies between the header and the footer, every
 * decoder index exists, row counts add up. Nothing read from the footer is used before this check.
 */
public final class FileMetadata {
  private final String path;
  private final Footer footer;
  private final Schema schema;

  private FileMetadata(String path, Footer footer, Schema schema) {
    this.path = path;
    this.footer = footer;
    this.schema = schema;
  }

  public static FileMetadata validate(String path, FooterCodec.RawFooter raw) throws CapsuleFormatException {
    Footer footer = raw.footer();
    long footerOffset = raw.offset();
    Location where = Location.ofFile(path, footerOffset);
    if (footer.getFormatMajor() != FileLayout.FORMAT_MAJOR) {
      throw new CapsuleFormatException(where, "footer says format major version " + footer.getFormatMajor());
    }
    Schema schema;
    try {
      schema = deserializeSchema(footer.getArrowSchema().toByteArray());
    } catch (RuntimeException | java.io.IOException | StackOverflowError e) {
      // Arrow converts nested fields recursively: absurd nesting overflows the stack before our
      // own "no children" check below can run.
      throw new CapsuleFormatException(where, "footer holds no valid Arrow schema: " + e, e);
    }
    List<Field> fields = schema.getFields();
    PhysicalLayout[] layouts = new PhysicalLayout[fields.size()];
    for (int f = 0; f < fields.size(); f++) {
      Field field = fields.get(f);
      try {
        layouts[f] = PhysicalLayout.of(field.getType());
      } catch (IllegalArgumentException e) {
        throw new CapsuleFormatException(new Location(path, -1, field.getName(), footerOffset), e.getMessage());
      }
      if (field.getDictionary() != null) {
        throw new CapsuleFormatException(new Location(path, -1, field.getName(), footerOffset),
            "Arrow dictionary-encoded fields are not part of format version 1");
      }
      if (!field.getChildren().isEmpty()) {
        throw new CapsuleFormatException(new Location(path, -1, field.getName(), footerOffset), "nested fields are not supported");
      }
    }
    for (int d = 0; d < footer.getDecodersCount(); d++) {
      DecoderModule module = footer.getDecoders(d);
      if (module.getLength() > FileLayout.MAX_DECODER_SIZE) {
        throw new CapsuleFormatException(where.atOffset(module.getOffset()), "decoder module " + d + " is "
            + module.getLength() + " bytes, more than the " + FileLayout.MAX_DECODER_SIZE + " a reader accepts");
      }
      checkRange(path, where, "decoder module " + d, module.getOffset(), module.getLength(), footerOffset);
      if (module.getSha256().size() != 32) {
        throw new CapsuleFormatException(where, "decoder module " + d + " has a SHA-256 of " + module.getSha256().size() + " bytes");
      }
      if (!FileLayout.isSupportedAbi(module.getAbiVersion())) {
        throw new CapsuleFormatException(where, "decoder module " + d + " uses ABI version " + module.getAbiVersion()
            + "; this reader supports versions " + FileLayout.MIN_DECODER_ABI + " to " + FileLayout.MAX_DECODER_ABI);
      }
    }
    long rows = 0;
    for (int g = 0; g < footer.getRowGroupsCount(); g++) {
      RowGroup group = footer.getRowGroups(g);
      if (group.getColumnsCount() != fields.size()) {
        throw new CapsuleFormatException(new Location(path, g, null, footerOffset),
            "row group has " + group.getColumnsCount() + " column chunks for " + fields.size() + " fields");
      }
      if (Long.compareUnsigned(group.getRowCount(), Integer.MAX_VALUE) > 0) {
        throw new CapsuleFormatException(new Location(path, g, null, footerOffset), "row group has more than 2^31-1 rows");
      }
      for (int c = 0; c < fields.size(); c++) {
        ColumnChunk chunk = group.getColumns(c);
        Location at = new Location(path, g, fields.get(c).getName(), footerOffset);
        checkRange(path, at, "column chunk", chunk.getOffset(), chunk.getLength(), footerOffset);
        if (chunk.getLength() > Integer.MAX_VALUE) {
          throw new CapsuleFormatException(at, "column chunk is larger than 2 GiB");
        }
        // Protobuf's unsigned fields arrive as Java ints and longs: compare them unsigned.
        if (Integer.toUnsignedLong(chunk.getDecoder()) >= footer.getDecodersCount()) {
          throw new CapsuleFormatException(at, "column chunk names decoder " + Integer.toUnsignedString(chunk.getDecoder())
              + " but the file has " + footer.getDecodersCount());
        }
        if (Long.compareUnsigned(chunk.getStatistics().getNullCount(), group.getRowCount()) > 0) {
          throw new CapsuleFormatException(at, "null count exceeds row count");
        }
        checkStatistics(at, chunk.getStatistics(), layouts[c]);
      }
      rows = Math.addExact(rows, group.getRowCount());
    }
    if (rows != footer.getRowCount()) {
      throw new CapsuleFormatException(where, "row groups hold " + rows + " rows, footer says " + footer.getRowCount());
    }
    return new FileMetadata(path, footer, schema);
  }

  /** Min and max come together and have the size SPEC.md "Statistics values" gives the type. */
  private static void checkStatistics(Location at, Statistics stats, PhysicalLayout layout) throws CapsuleFormatException {
    if (stats.hasMin() != stats.hasMax()) {
      throw new CapsuleFormatException(at, "statistics have a min without a max or the reverse");
    }
    if (!stats.hasMin()) {
      return;
    }
    int min = stats.getMin().size();
    int max = stats.getMax().size();
    boolean ok;
    switch (layout.kind()) {
      case BIT:
        ok = min == 1 && max == 1;
        break;
      case VARIABLE:
        ok = min <= FileLayout.MAX_BINARY_STATISTIC && max <= FileLayout.MAX_BINARY_STATISTIC;
        break;
      default:
        ok = min == layout.byteWidth() && max == layout.byteWidth();
    }
    if (!ok) {
      throw new CapsuleFormatException(at, "statistics min/max of " + min + "/" + max + " bytes do not fit layout " + layout);
    }
  }

  /**
   * Arrow trusts the length prefix of an IPC message and allocates that much; check it against the
   * bytes we actually have first, so a corrupt footer cannot make us allocate gigabytes.
   */
  private static Schema deserializeSchema(byte[] bytes) throws java.io.IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw new java.io.IOException(bytes.length + " bytes cannot hold an IPC message");
    }
    boolean continuation = buffer.getInt(0) == -1;
    long length = Integer.toUnsignedLong(buffer.getInt(continuation ? 4 : 0));
    long available = bytes.length - (continuation ? 8 : 4);
    if (length > available) {
      throw new java.io.IOException("IPC message claims " + length + " bytes, " + available + " present");
    }
    return Schema.deserializeMessage(buffer);
  }

  private static void checkRange(String path, Location at, String what, long offset, long length, long footerOffset)
      throws CapsuleFormatException {
    // Unsigned protobuf values arrive as longs that may be negative; treat those as huge.
    if (offset < FileLayout.HEADER_SIZE || length < 0 || offset > footerOffset || length > footerOffset - offset) {
      throw new CapsuleFormatException(at.atOffset(offset), what + " [" + Long.toUnsignedString(offset) + ", +"
          + Long.toUnsignedString(length) + ") lies outside the data region [" + FileLayout.HEADER_SIZE + ", " + footerOffset + ")");
    }
  }

  public String path() {
    return path;
  }

  public Footer footer() {
    return footer;
  }

  public Schema schema() {
    return schema;
  }

  public long rowCount() {
    return footer.getRowCount();
  }

  public int rowGroupCount() {
    return footer.getRowGroupsCount();
  }

  public RowGroup rowGroup(int index) {
    return footer.getRowGroups(index);
  }

  public Location location(int rowGroup, int column) {
    return new Location(path, rowGroup, schema.getFields().get(column).getName(),
        footer.getRowGroups(rowGroup).getColumns(column).getOffset());
  }
}
