package dev.capsule.format;

/** The fixed parts of a Capsule file (SPEC.md, "File layout"). */
public final class FileLayout {
  /** "CAPS" in ASCII, at the start and at the very end of every file. */
  public static final byte[] MAGIC = {'C', 'A', 'P', 'S'};

  public static final int FORMAT_MAJOR = 1;
  public static final int FORMAT_MINOR = 0;

  /** Magic, u8 major, u8 minor, u16 reserved. */
  public static final int HEADER_SIZE = 8;

  /** u32 footer length, u32 CRC-32C of the footer, magic. */
  public static final int TRAILER_SIZE = 12;

  /** Decoder ABI version this format version uses. */
  public static final int DECODER_ABI_VERSION = 1;

  /** Footers larger than this are refused before they are read (a corrupt length would OOM). */
  public static final int MAX_FOOTER_SIZE = 64 << 20;

  /** Decoder modules larger than this are refused; the shipped ones are a few KiB. */
  public static final int MAX_DECODER_SIZE = 16 << 20;

  /** Statistics of utf8/binary chunks are left out when min or max is longer than this. */
  public static final int MAX_BINARY_STATISTIC = 64;

  private FileLayout() {}

  public static byte[] header() {
    return new byte[] {'C', 'A', 'P', 'S', (byte) FORMAT_MAJOR, (byte) FORMAT_MINOR, 0, 0};
  }
}
