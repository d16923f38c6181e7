package dev.capsule.format;

import java.io.IOException;

/**
 * A Capsule file, chunk or decoder broke the format's rules. The message always says where: file,
 * and as far as known row group, column and byte offset.
 */
public class CapsuleFormatException extends IOException {
  private final Location location;

  public CapsuleFormatException(Location location, String message) {
    super(location + ": " + message);
    this.location = location;
  }

  public CapsuleFormatException(Location location, String message, Throwable cause) {
    super(location + ": " + message, cause);
    this.location = location;
  }

  public Location location() {
    return location;
  }

  /**
   * Where in a file something went wrong. rowGroup is -1 and column null when the problem is not in
   * a column chunk; byteOffset is -1 when unknown.
   */
  public record Location(String file, int rowGroup, String column, long byteOffset) {
    public static Location ofFile(String file, long byteOffset) {
      return new Location(file, -1, null, byteOffset);
    }

    public Location atOffset(long offset) {
      return new Location(file, rowGroup, column, offset);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder(file == null ? "<unknown file>" : file);
      if (rowGroup >= 0) {
        s.append(", row group ").append(rowGroup);
      }
      if (column != null) {
        s.append(", column '").append(column).append('\'');
      }
      if (byteOffset >= 0) {
        s.append(", byte offset ").append(byteOffset);
      }
      return s.toString();
    }
  }
}
