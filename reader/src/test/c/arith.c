/*
 * arith.c - a well-behaved test decoder for a made-up encoding the project never ships,
 * "test.arith": row i holds start + i * step. The reader decodes it without knowing it exists,
 * which is the point (DESIGN.md section 1: the reader knows no encoding).
 *
 * Chunk: the common chunk header of SPEC.md, then the payload
 *   offset  size  field
 *   0       8     i64 start
 *   8       8     i64 step
 * and nothing after it. Value of row i: v = start + i * step (modulo 2^64), then by layout
 *   BIT       v & 1
 *   FIXEDw    the low w bytes of v (FIXED16: v sign-extended to 128 bits)
 *   VARIABLE  v in decimal ASCII, e.g. "-42"
 * Null rows (validity bit 0) output 0 / false / the empty string.
 */
#include "test_abi.h"

enum { BIT = 0, VARIABLE = 255 };

static struct {
  u32 n;
  u32 layout;
  const u8 *validity; /* 0 when the chunk has no validity bitmap */
  i64 start, step;
} chunk;

static slot validity_out, values_out, data_out;

int EXPORT(capsule_abi)(void) { return 1; }

/* capsule_open's failure: handle 0, message for capsule_error(0). */
static int open_fail(const char *text) {
  fail(text);
  return 0;
}

u32 EXPORT(capsule_alloc)(u32 size) { return (u32)bump(size); }

int EXPORT(capsule_open)(const u8 *p, u32 len) {
  if (len < 8) return open_fail("arith: chunk shorter than its 8-byte header");
  u32 n = load_u32(p);
  u32 layout = p[4], flags = p[5];
  if (!(layout <= 2 || layout == 4 || layout == 8 || layout == 16 || layout == VARIABLE))
    return open_fail("arith: unknown layout code");
  if ((flags & ~1u) || p[6] || p[7]) return open_fail("arith: reserved header bits set");
  u64 pos = 8;
  chunk.validity = 0;
  if (flags & 1) {
    chunk.validity = p + pos;
    pos += ((u64)n + 7) / 8;
  }
  if (pos + 16 != len) return open_fail("arith: chunk length does not match its header");
  chunk.n = n;
  chunk.layout = layout;
  chunk.start = load_i64(p + pos);
  chunk.step = load_i64(p + pos + 8);
  return (int)(u32)&chunk;
}

/* Decimal ASCII of v into out; returns the length (at most 20). */
static u32 format_i64(i64 v, u8 *out) {
  u8 tmp[20];
  u32 n = 0;
  u64 m = v < 0 ? (u64)0 - (u64)v : (u64)v;
  do {
    tmp[n++] = (u8)('0' + m % 10);
    m /= 10;
  } while (m);
  u32 len = 0;
  if (v < 0) out[len++] = '-';
  while (n) out[len++] = tmp[--n];
  return len;
}

int EXPORT(capsule_decode)(u32 handle, u32 first, u32 count, u32 out) {
  if (handle != (u32)&chunk) return fail("arith: bad handle");
  if ((u64)first + count > chunk.n) return fail("arith: row range outside the chunk");
  u32 bitmap_bytes = (count + 7) / 8;

  u32 validity = 0;
  i64 nulls = 0;
  if (chunk.validity) {
    u8 *v = ensure(&validity_out, bitmap_bytes);
    if (!v) return fail("arith: out of memory");
    for (u32 i = 0; i < bitmap_bytes; i++) v[i] = 0;
    for (u32 i = 0; i < count; i++) {
      u32 row = first + i;
      u32 bit = chunk.validity[row >> 3] >> (row & 7) & 1;
      v[i >> 3] |= (u8)(bit << (i & 7));
      nulls += !bit;
    }
    validity = (u32)v;
  }
#define VALID(i) (!chunk.validity || (chunk.validity[(first + (i)) >> 3] >> ((first + (i)) & 7) & 1))
#define VALUE(i) ((i64)((u64)chunk.start + (u64)(first + (i)) * (u64)chunk.step))

  if (chunk.layout == BIT) {
    u8 *b = ensure(&values_out, bitmap_bytes);
    if (!b) return fail("arith: out of memory");
    for (u32 i = 0; i < bitmap_bytes; i++) b[i] = 0;
    for (u32 i = 0; i < count; i++)
      if (VALID(i)) b[i >> 3] |= (u8)((VALUE(i) & 1) << (i & 7));
    describe(out, count, nulls, 2, validity, (u32)b, 0);
  } else if (chunk.layout == VARIABLE) {
    u32 *offsets = (u32 *)ensure(&values_out, 4 * (count + 1));
    u8 *data = ensure(&data_out, 20 * count);
    if (!offsets || !data) return fail("arith: out of memory");
    u32 end = 0;
    offsets[0] = 0;
    for (u32 i = 0; i < count; i++) {
      if (VALID(i)) end += format_i64(VALUE(i), data + end);
      offsets[i + 1] = end;
    }
    describe(out, count, nulls, 3, validity, (u32)offsets, (u32)data);
  } else {
    u32 w = chunk.layout;
    u8 *values = ensure(&values_out, w * count);
    if (!values) return fail("arith: out of memory");
    for (u32 i = 0; i < count; i++) {
      i64 v = VALID(i) ? VALUE(i) : 0;
      u8 *dst = values + (u64)i * w;
      for (u32 b = 0; b < w; b++) dst[b] = b < 8 ? (u8)((u64)v >> (8 * b)) : (u8)(v < 0 ? 0xff : 0);
    }
    describe(out, count, nulls, 2, validity, (u32)values, 0);
  }
  return 0;
}

u32 EXPORT(capsule_error)(u32 handle) {
  (void)handle;
  return (u32)&error_message;
}
