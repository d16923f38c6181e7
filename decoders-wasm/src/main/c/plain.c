/*
 * plain.c - decoder module `plain` for the encoding `capsule.plain`.
 *
 * Payload (see format-spec/SPEC.md):
 *   BIT       values bitmap, ceil8(n) bytes
 *   FIXEDw    n*w bytes
 *   VARIABLE  u32 offsets[n+1] (offsets[0] = 0, non-decreasing), then offsets[n] bytes of data
 *
 * Fixed-width values and variable-width offsets and data are not copied: the output buffers point
 * into the chunk, which stays in memory for the life of the instance. Only bitmaps (shifted to
 * start at bit 0) are written. The module implements decoder ABI v2, whose offsets may start
 * anywhere; everything else it does is ABI v1.
 */
#define CAPSULE_ENCODING "capsule.plain"
#define CAPSULE_ABI_VERSION 2 /* VARIABLE offsets returned in place (SPEC 8.6) */
#include "capsule_abi.h"

typedef struct {
  capsule_chunk c;
  const u8 *values; /* BIT: values bitmap; FIXEDw: values; VARIABLE: offsets[n + 1] */
  const u8 *data;   /* VARIABLE: data */
  u32 data_len;
} plain_state;

static int plain_open(capsule_chunk *c, cursor *cur) {
  plain_state *s = (plain_state *)c;
  u64 n = c->n;
  if (c->layout == LAYOUT_BIT) {
    s->values = take(cur, ceil8(n), "values bitmap");
    if (!s->values) return CAPSULE_ECORRUPT;
  } else if (c->layout == LAYOUT_VARIABLE) {
    u64 offsets_pos = cur->pos;
    s->values = take(cur, 4 * (n + 1), "offsets");
    if (!s->values) return CAPSULE_ECORRUPT;
    u32 first = load_u32(s->values);
    if (first != 0)
      return FAIL2(CAPSULE_ECORRUPT, "offsets[0] at offset % must be 0, found %", offsets_pos,
                   first);
    u32 data_len = load_u32(s->values + 4 * n);
    if (data_len > INT32_MAX)
      return FAIL1(CAPSULE_ECORRUPT, "offsets[n] = % exceeds the 2^31-1 bytes of Arrow offsets",
                   data_len);
    s->data = take(cur, data_len, "data");
    if (!s->data) return CAPSULE_ECORRUPT;
    s->data_len = data_len;
    /* Monotonicity is the host's to check, per decoded window (plain_variable). */
  } else {
    s->values = take(cur, n * c->width, "values");
    if (!s->values) return CAPSULE_ECORRUPT;
  }
  return expect_end(cur);
}

/*
 * VARIABLE windows cost O(1): under ABI v2 (SPEC 8.6) offsets need not start at 0, so the window's
 * offsets and the data are returned in place, and the data pointer is that of the chunk's data
 * (each offset indexes it as it is, as in Arrow). The host checks that the offsets never decrease,
 * as it must for any decoder (SPEC 9.2), so checking them here too would only repeat that work
 * in wasm, where every load costs a call. What only the decoder knows is checked here: the window
 * ends inside the data.
 */
static int plain_variable(plain_state *s, u32 first, u32 count, capsule_buffers *out) {
  const u8 *in = s->values + 4 * (u64)first;
  u32 start = load_u32(in), end = load_u32(in + 4 * (u64)count);
  if (end > s->data_len)
    return FAIL3(CAPSULE_ECORRUPT, "offsets[%] = % at offset % is past the end of the data",
                 (u64)first + count, end, s->c.payload_pos + 4 * ((u64)first + count));
  if (start > end)
    return FAIL4(CAPSULE_ECORRUPT, "offsets[%] = % at offset % exceeds the later offsets[%]",
                 first, start, s->c.payload_pos + 4 * (u64)first, (u64)first + count);
  out->values = (u32)(uintptr_t)in;
  out->data = (u32)(uintptr_t)s->data;
  return CAPSULE_OK;
}

static int plain_decode(capsule_chunk *c, u32 first, u32 count, capsule_buffers *out) {
  plain_state *s = (plain_state *)c;
  if (c->layout == LAYOUT_BIT) {
    u8 *bm = arena_alloc(ceil8(count));
    if (!bm) return CAPSULE_ENOMEM;
    copy_bits(bm, s->values, ceil8(c->n), first, count);
    out->values = (u32)(uintptr_t)bm;
    return CAPSULE_OK;
  }
  if (c->layout == LAYOUT_VARIABLE) return plain_variable(s, first, count, out);
  out->values = (u32)(uintptr_t)(s->values + (u64)first * c->width); /* zero-copy */
  return CAPSULE_OK;
}

EXPORT("capsule_open") u32 capsule_open(u32 chunk_ptr, u32 chunk_len) {
  return capsule_open_common(chunk_ptr, chunk_len, sizeof(plain_state),
                             ACCEPT_BIT | ACCEPT_FIXED_ANY | ACCEPT_VARIABLE,
                             "BIT, FIXEDw for w = 1..254, VARIABLE", plain_open);
}

EXPORT("capsule_decode") u32 capsule_decode(u32 handle, u32 first_row, u32 row_count, u32 out_ptr) {
  return capsule_decode_common(handle, first_row, row_count, out_ptr, sizeof(plain_state),
                               plain_decode);
}
