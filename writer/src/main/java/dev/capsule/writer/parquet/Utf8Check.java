package dev.capsule.writer.parquet;

import java.nio.ByteBuffer;

/**
 * Whether bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF). Parquet STRING values are not checked by parquet-java; the Capsule reader checks every
 * utf8 value it decodes, so a bad one is caught at conversion, where the row is still known.
 */
final class Utf8Check {
  private Utf8Check() {}

  static boolean isValid(ByteBuffer bytes) {
    int i = bytes.position();
    int end = bytes.limit();
    while (i < end) {
      int b = bytes.get(i) & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int length;
      int min;
      if (b >= 0xC2 && b <= 0xDF) {
        length = 2;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3;
        min = 0x800;
      } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4;
        min = 0x10000;
      } else {
        return false;
      }
      if (end - i < length) {
        return false;
      }
      int code = b & (0xFF >> (length + 1));
      for (int k = 1; k < length; k++) {
        int c = bytes.get(i + k) & 0xFF;
        if ((c & 0xC0) != 0x80) {
          return false;
        }
        code = code << 6 | (c & 0x3F);
      }
      if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        return false;
      }
      i += length;
    }
    return true;
  }
}
