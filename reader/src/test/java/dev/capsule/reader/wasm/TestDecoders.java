package dev.capsule.reader.wasm;

import dev.capsule.format.CapsuleFormatException;
import dev.capsule.format.CapsuleFormatException.Location;
import dev.capsule.format.PhysicalLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The test-only decoder modules of src/test/c and chunks for them. */
final class TestDecoders {
  /** Where every test chunk claims to be; messages must name it. */
  static final Location WHERE = new Location("test.capsule", 2, "c", 4096);
  static final String WHERE_TEXT = "test.capsule, row group 2, column 'c', byte offset 4096";

  private TestDecoders() {}

  static byte[] wasm(String name) {
    try (InputStream in = TestDecoders.class.getResourceAsStream("/wasm/" + name + ".wasm")) {
      if (in == null) {
        throw new IllegalArgumentException("no test module " + name + "; run src/test/c/build.sh");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compiled through the JVM's shared cache, as the file reader does. */
  static CompiledDecoder compile(String name) throws CapsuleFormatException, IOException {
    byte[] bytes = wasm(name);
    return DecoderCache.shared().get(bytes, dev.capsule.format.Checksums.sha256(bytes), WHERE);
  }

  /**
   * A chunk of the made-up encoding "test.arith" (arith.c): the common chunk header, then i64
   * start and i64 step. valid == null: no validity bitmap.
   */
  static ByteBuffer arithChunk(PhysicalLayout layout, int n, boolean[] valid, long start, long step) {
    int bitmap = valid == null ? 0 : (n + 7) / 8;
    ByteBuffer b = ByteBuffer.allocate(8 + bitmap + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(n).put((byte) layout.code()).put((byte) (valid == null ? 0 : 1)).putShort((short) 0);
    if (valid != null) {
      byte[] bits = new byte[bitmap];
      for (int i = 0; i < n; i++) {
        if (valid[i]) {
          bits[i >> 3] |= (byte) (1 << (i & 7));
        }
      }
      b.put(bits);
    }
    b.putLong(start).putLong(step);
    return b.flip();
  }

  /** Row i of a test.arith chunk, before truncation to the layout (the Java reference decoder). */
  static long arithValue(long start, long step, int row) {
    return start + row * step;
  }

  /** A chunk for hostile.c: the misbehaviour and the layout code. */
  static ByteBuffer hostileChunk(int mode, PhysicalLayout layout) {
    return ByteBuffer.wrap(new byte[] {(byte) mode, (byte) layout.code()});
  }
}
