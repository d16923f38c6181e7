package dev.capsule.writer.parquet;

import java.io.IOException;

/**
 * A Parquet file could not be read or converted: it is malformed, parquet-java cannot read it, or
 * it holds something Capsule cannot store faithfully (a nested column, a value out of range). The
 * message says which file and, as far as known, which row group, column and row.
 */
public final class ParquetInputException extends IOException {
  public ParquetInputException(String where, String message) {
    super(where + ": " + message);
  }

  public ParquetInputException(String where, String message, Throwable cause) {
    super(where + ": " + message, cause);
  }

  /** "file.parquet, row group 3, column 'x'", leaving out what is not known (-1, null). */
  static String where(String file, int rowGroup, String column) {
    StringBuilder s = new StringBuilder(file);
    if (rowGroup >= 0) {
      s.append(", row group ").append(rowGroup);
    }
    if (column != null) {
      s.append(", column '").append(column).append('\'');
    }
    return s.toString();
  }
}
