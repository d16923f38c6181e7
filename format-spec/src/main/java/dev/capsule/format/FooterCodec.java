package dev.capsule.format;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.proto.Footer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads and writes the end of a Capsule file: footer, footer length, footer CRC-32C, magic. Every
 * length read from a file is checked before it is used.
 */
public final class FooterCodec {
  private FooterCodec() {}

  /** The footer followed by the trailer, ready to append after the last decoder module. */
  public static byte[] encode(Footer footer) {
    byte[] body = footer.toByteArray();
    ByteBuffer out = ByteBuffer.allocate(body.length + FileLayout.TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    out.put(body);
    out.putInt(body.length);
    out.putInt(Checksums.crc32c(body));
    out.put(FileLayout.MAGIC);
    return out.array();
  }

  /**
   * Reads and parses the footer of an open file after checking header magic, version, trailer
   * magic, footer length and footer checksum. The content of the footer is checked by {@link
   * FileMetadata}.
   */
  public static RawFooter read(FileChannel channel, String path) throws IOException {
    long size = channel.size();
    if (size < FileLayout.HEADER_SIZE + FileLayout.TRAILER_SIZE) {
      throw new CapsuleFormatException(Location.ofFile(path, 0),
          "not a Capsule file: " + size + " bytes is shorter than header and trailer");
    }
    ByteBuffer header = readFully(channel, 0, FileLayout.HEADER_SIZE, path);
    checkMagic(header, 0, path, 0, "header");
    int major = header.get(4) & 0xFF;
    if (major != FileLayout.FORMAT_MAJOR) {
      throw new CapsuleFormatException(Location.ofFile(path, 4),
          "format major version " + major + " is not supported (this reader knows " + FileLayout.FORMAT_MAJOR + ")");
    }
    if (header.getShort(6) != 0) {
      throw new CapsuleFormatException(Location.ofFile(path, 6), "reserved header bytes are not zero");
    }
    int minor = header.get(5) & 0xFF;
    long trailerOffset = size - FileLayout.TRAILER_SIZE;
    ByteBuffer trailer = readFully(channel, trailerOffset, FileLayout.TRAILER_SIZE, path);
    checkMagic(trailer, 8, path, trailerOffset + 8, "trailer");
    long footerLength = Integer.toUnsignedLong(trailer.getInt(0));
    int footerCrc = trailer.getInt(4);
    long footerOffset = trailerOffset - footerLength;
    if (footerLength > FileLayout.MAX_FOOTER_SIZE || footerOffset < FileLayout.HEADER_SIZE) {
      throw new CapsuleFormatException(Location.ofFile(path, trailerOffset),
          "footer length " + footerLength + " does not fit in a file of " + size + " bytes");
    }
    ByteBuffer body = readFully(channel, footerOffset, (int) footerLength, path);
    int actualCrc = Checksums.crc32c(body);
    if (actualCrc != footerCrc) {
      throw new CapsuleFormatException(Location.ofFile(path, footerOffset), String.format(
          "footer checksum mismatch: stored %08x, computed %08x", footerCrc, actualCrc));
    }
    Footer footer;
    try {
      footer = Footer.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new CapsuleFormatException(Location.ofFile(path, footerOffset), "footer is not a valid protobuf message: " + e.getMessage(), e);
    }
    if (footer.getFormatMinor() != minor) {
      throw new CapsuleFormatException(Location.ofFile(path, footerOffset),
          "footer says format minor version " + footer.getFormatMinor() + ", header says " + minor);
    }
    return new RawFooter(footer, footerOffset);
  }

  /** A footer as parsed, and the file offset it starts at (from the length stored in the trailer). */
  public record RawFooter(Footer footer, long offset) {}

  private static void checkMagic(ByteBuffer buffer, int at, String path, long fileOffset, String where)
      throws CapsuleFormatException {
    byte[] magic = new byte[4];
    buffer.get(at, magic);
    if (!Arrays.equals(magic, FileLayout.MAGIC)) {
      throw new CapsuleFormatException(Location.ofFile(path, fileOffset),
          "not a Capsule file: " + where + " magic is " + Arrays.toString(magic) + ", expected \"CAPS\"");
    }
  }

  /** Reads exactly length bytes at offset, as a little-endian heap buffer. */
  public static ByteBuffer readFully(FileChannel channel, long offset, int length, String path) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, offset + buffer.position());
      if (n < 0) {
        throw new CapsuleFormatException(Location.ofFile(path, offset + buffer.position()),
            "the file ends before the " + length + " bytes at offset " + offset + " (was it truncated?)");
      }
    }
    return buffer.flip();
  }
}
