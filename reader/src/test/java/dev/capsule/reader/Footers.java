package dev.capsule.reader;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.capsule.format.FileLayout;
import dev.capsule.format.FooterCodec;
import dev.capsule.format.proto.Footer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Rewriting the footer of a file's bytes, for tests that damage a file past its checksums. */
final class Footers {
  private Footers() {}

  /** Where the footer starts: the file minus the trailer and the footer length the trailer gives. */
  static int start(byte[] file) {
    int trailer = file.length - FileLayout.TRAILER_SIZE;
    return trailer - ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(trailer);
  }

  static Footer parse(byte[] file) throws InvalidProtocolBufferException {
    return Footer.parseFrom(Arrays.copyOfRange(file, start(file), file.length - FileLayout.TRAILER_SIZE));
  }

  /** The file's bytes up to its footer, then {@code footer} with a fresh trailer (length and CRC-32C). */
  static byte[] replace(byte[] file, Footer footer) {
    int start = start(file);
    byte[] tail = FooterCodec.encode(footer);
    byte[] bytes = Arrays.copyOf(file, start + tail.length);
    System.arraycopy(tail, 0, bytes, start, tail.length);
    return bytes;
  }
}
