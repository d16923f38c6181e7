package dev.capsule.decoders;

import dev.capsule.format.PhysicalLayout;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-side encoders: chunk bytes for each shipped encoding, written straight from the contract
 * (SPEC.md). The "raw" variants take the encoded fields as they are, so tests can
 * also build chunks the contract forbids.
 */
final class Chunks {
  private Chunks() {}

  /** Little-endian byte sink. */
  static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int v) {
      out.write(v);
      return this;
    }

    Bytes u16(int v) {
      return u8(v).u8(v >>> 8);
    }

    Bytes u32(long v) {
      return u16((int) v).u16((int) (v >>> 16));
    }

    Bytes u64(long v) {
      return u32(v).u32(v >>> 32);
    }

    Bytes bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return out.toByteArray();
    }
  }

  static int layoutCode(PhysicalLayout layout) {
    return layout.code();
  }

  /** Chunk header + validity bitmap (when valid != null). */
  static Bytes header(PhysicalLayout layout, int n, boolean[] valid) {
    Bytes b = new Bytes().u32(n).u8(layout.code()).u8(valid != null ? 1 : 0).u16(0);
    if (valid != null) {
      b.bytes(bitmap(valid));
    }
    return b;
  }

  static byte[] bitmap(boolean[] bits) {
    byte[] bm = new byte[(bits.length + 7) / 8];
    for (int i = 0; i < bits.length; i++) {
      if (bits[i]) {
        bm[i >> 3] |= (byte) (1 << (i & 7));
      }
    }
    return bm;
  }

  static Bytes offsetsAndData(Bytes b, List<byte[]> values) {
    long off = 0;
    b.u32(0);
    for (byte[] v : values) {
      off += v.length;
      b.u32(off);
    }
    for (byte[] v : values) {
      b.bytes(v);
    }
    return b;
  }

  // ---- capsule.plain ----

  static byte[] plain(TestColumn c) {
    Bytes b = header(c.layout(), c.n(), c.valid());
    switch (c.layout().kind()) {
      case BIT: {
        boolean[] bits = new boolean[c.n()];
        for (int i = 0; i < c.n(); i++) {
          bits[i] = c.rows()[i][0] != 0;
        }
        b.bytes(bitmap(bits));
        break;
      }
      case VARIABLE:
        offsetsAndData(b, Arrays.asList(c.rows()));
        break;
      default:
        for (byte[] r : c.rows()) {
          b.bytes(r);
        }
    }
    return b.toArray();
  }

  // ---- capsule.ree ----

  static byte[] ree(TestColumn c) {
    List<Integer> ends = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < c.n(); i++) {
      if (i == 0 || !Arrays.equals(c.rows()[i], c.rows()[i - 1])) {
        if (i > 0) {
          ends.add(i);
        }
        values.add(c.rows()[i]);
      }
    }
    if (c.n() > 0) {
      ends.add(c.n());
    }
    return reeRaw(c.layout(), c.n(), c.valid(), ends.stream().mapToLong(Integer::longValue).toArray(),
        values);
  }

  static byte[] reeRaw(PhysicalLayout layout, int n, boolean[] valid, long[] runEnds,
                       List<byte[]> runValues) {
    Bytes b = header(layout, n, valid).u32(runEnds.length);
    for (long e : runEnds) {
      b.u32(e);
    }
    if (layout == PhysicalLayout.VARIABLE) {
      offsetsAndData(b, runValues);
    } else {
      for (byte[] v : runValues) {
        b.bytes(v);
      }
    }
    return b.toArray();
  }

  // ---- capsule.bitpack ----

  /** Little-endian w bytes, sign-extended; of wider values (which bitpack needs to fit 64 bits) the low 8. */
  static long signedValue(byte[] v) {
    long x = 0;
    if (v.length > 8) {
      for (int k = 0; k < 8; k++) {
        x |= (long) (v[k] & 0xFF) << (8 * k);
      }
      return x;
    }
    for (int k = 0; k < v.length; k++) {
      x |= (long) (v[k] & 0xFF) << (8 * k);
    }
    int shift = 64 - 8 * v.length;
    return shift == 0 ? x : x << shift >> shift;
  }

  static byte[] bitpack(TestColumn c) {
    return bitpack(c, -1);
  }

  /** @param forceBits the bit width to use (>= the one needed), or -1 for the minimum */
  static byte[] bitpack(TestColumn c, int forceBits) {
    long ref = Long.MAX_VALUE;
    for (byte[] r : c.rows()) {
      ref = Math.min(ref, signedValue(r));
    }
    if (c.n() == 0) {
      ref = 0;
    }
    long[] deltas = new long[c.n()];
    long max = 0;
    for (int i = 0; i < c.n(); i++) {
      deltas[i] = signedValue(c.rows()[i]) - ref;
      if (Long.compareUnsigned(deltas[i], max) > 0) {
        max = deltas[i];
      }
    }
    int bits = 64 - Long.numberOfLeadingZeros(max);
    if (bits > 56) {
      throw new IllegalArgumentException("values span " + bits + " bits");
    }
    if (forceBits >= 0) {
      if (forceBits < bits) {
        throw new IllegalArgumentException("need " + bits + " bits");
      }
      bits = forceBits;
    }
    return bitpackRaw(c.layout(), c.n(), c.valid(), ref, bits, deltas);
  }

  static byte[] bitpackRaw(PhysicalLayout layout, int n, boolean[] valid, long reference, int bits,
                           long[] deltas) {
    Bytes b = header(layout, n, valid).u64(reference).u8(bits).u8(0).u16(0).u32(0);
    return b.bytes(pack(deltas, bits)).toArray();
  }

  /** ceil8(n*b) bytes of LSB-first packed values, then 8 zero bytes. */
  static byte[] pack(long[] values, int bits) {
    byte[] out = new byte[(int) ((values.length * (long) bits + 7) / 8) + 8];
    for (int i = 0; i < values.length; i++) {
      for (int k = 0; k < bits; k++) {
        if ((values[i] >>> k & 1) != 0) {
          long bit = (long) i * bits + k;
          out[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        }
      }
    }
    return out;
  }

  // ---- capsule.dict ----

  static byte[] dict(TestColumn c) {
    return dict(c, -1);
  }

  static byte[] dict(TestColumn c, int forceBits) {
    Map<ByteBuffer, Integer> ids = new LinkedHashMap<>();
    List<byte[]> entries = new ArrayList<>();
    long[] codes = new long[c.n()];
    for (int i = 0; i < c.n(); i++) {
      byte[] r = c.rows()[i];
      Integer id = ids.get(ByteBuffer.wrap(r));
      if (id == null) {
        id = entries.size();
        ids.put(ByteBuffer.wrap(r), id);
        entries.add(r);
      }
      codes[i] = id;
    }
    int bits = entries.size() <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(entries.size() - 1);
    if (forceBits >= 0) {
      bits = forceBits;
    }
    return dictRaw(c.layout(), c.n(), c.valid(), entries, bits, codes);
  }

  static byte[] dictRaw(PhysicalLayout layout, int n, boolean[] valid, List<byte[]> entries,
                        int bits, long[] codes) {
    Bytes b = header(layout, n, valid).u32(entries.size());
    if (layout == PhysicalLayout.VARIABLE) {
      offsetsAndData(b, entries);
    } else {
      for (byte[] e : entries) {
        b.bytes(e);
      }
    }
    b.u8(bits).u8(0).u16(0);
    return b.bytes(pack(codes, bits)).toArray();
  }

  static byte[] encode(String module, TestColumn c) {
    switch (module) {
      case "plain":
        return plain(c);
      case "ree":
        return ree(c);
      case "bitpack":
        return bitpack(c);
      case "dict":
        return dict(c);
      case "parquet":
        return ParquetChunks.fromTestColumn(c);
      default:
        throw new IllegalArgumentException(module);
    }
  }
}
