/*
 * plain.c - decoder module `plain` for the encoding `capsule.plain`.
 *
 * Payload (see format-spec/SPEC.md):
 *   BIT       values bitmap, ceil8(n) bytes
 *   FIXEDw    n*w bytes
 *   VARIABLE  u32 offsets[n+1] (offsets[0] = 0, non-decreasing), then offsets[n] bytes of data
 *
 * Fixed-width values and variable-width data are not copied: the output buffers point into the
 * chunk, which stays in memory for the life of the instance. Only bitmaps (shifted to start at
 * bit 0) and, for a window not starting at row 0, the rebased offsets are written.
 */
#define CAPSULE_ENCODING "capsule.plain"
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
    /* Monotonicity is checked per decoded window (plain_offsets), fused with the rebasing. */
  } else {
    s->values = take(cur, n * c->width, "values");
    if (!s->values) return CAPSULE_ECORRUPT;
  }
  return expect_end(cur);
}

/* Reports the first decreasing offset of offsets[first .. first + count]. */
static NOINLINE int offsets_error(const plain_state *s, u32 first, u32 count) {
  u32 prev = load_u32(s->values + 4 * (u64)first);
  for (u64 i = (u64)first + 1; i <= (u64)first + count; i++) {
    u32 v = load_u32(s->values + 4 * i);
    if (v < prev)
      return FAIL4(CAPSULE_ECORRUPT, "offsets[%] = % at offset % is less than the previous offset %",
                   i, v, s->c.payload_pos + 4 * i, prev);
    prev = v;
  }
  return FAIL2(CAPSULE_ECORRUPT, "offsets[%] = % is past the end of the data", (u64)first + count,
               load_u32(s->values + 4 * ((u64)first + count)));
}

/*
 * The offsets loops read two offsets per 8-byte load: lane lo = offsets[i], hi = offsets[i + 1].
 * Monotonicity is checked without compares: in 64 bits, lo - prev and hi - lo are negative (bit
 * 63 set) exactly when an offset is below its predecessor; the loops OR them into `neg`.
 */
static ALWAYS_INLINE u64 pair_decrease(u64 pair, u64 *prev) {
  u64 lo = pair & 0xFFFFFFFFu, hi = pair >> 32;
  u64 d = (lo - *prev) | (hi - lo);
  *prev = hi;
  return d;
}

/* Checks offsets in[0 .. count] in place (no copy); returns nonzero if one decreases. */
static NOINLINE u32 offsets_decreasing(const u8 *in, u32 count) {
  u64 prev = load_u32(in), neg = 0;
  u32 i = 1;
#pragma clang loop unroll_count(4) /* fewer loop back-edges: each costs an interruption check */
  for (; i < count; i += 2) neg |= pair_decrease(load_u64(in + 4 * i), &prev); /* i, i + 1 <= count */
  for (; i <= count; i++) {
    u64 v = load_u32(in + 4 * i);
    neg |= v - prev;
    prev = v;
  }
  return (u32)(neg >> 63);
}

/*
 * out[i] = in[i] - in[0] for i in [0, count]; returns nonzero if the input decreases anywhere.
 * Two offsets per 8-byte load and store: subtracting base from both 32-bit lanes at once is exact
 * when both are >= base, which holds unless the window decreases (and then the result says so).
 */
static NOINLINE u32 offsets_rebase(u8 *out, const u8 *in, u32 count) {
  u32 base = load_u32(in);
  u64 prev = base, neg = 0;
  const u64 base2 = (u64)base << 32 | base;
  u32 i = 1;
  store_u32(out, 0);
#pragma clang loop unroll_count(4)
  for (; i < count; i += 2) {
    u64 pair = load_u64(in + 4 * i);
    neg |= pair_decrease(pair, &prev);
    store_u64(out + 4 * i, pair - base2);
  }
  for (; i <= count; i++) {
    u64 v = load_u32(in + 4 * i);
    neg |= v - prev;
    prev = v;
    store_u32(out + 4 * i, (u32)(v - base));
  }
  return (u32)(neg >> 63);
}

static int plain_variable(plain_state *s, u32 first, u32 count, capsule_buffers *out) {
  const u8 *in = s->values + 4 * (u64)first;
  u32 base = load_u32(in);
  u32 bad;
  if (first == 0) {
    bad = offsets_decreasing(in, count); /* offsets[0] = 0: usable as they are */
    out->values = (u32)(uintptr_t)in;
  } else {
    u8 *o = arena_alloc(4 * ((u64)count + 1));
    if (!o) return CAPSULE_ENOMEM;
    bad = offsets_rebase(o, in, count);
    out->values = (u32)(uintptr_t)o;
  }
  if (bad || load_u32(in + 4 * (u64)count) > s->data_len) return offsets_error(s, first, count);
  out->data = (u32)(uintptr_t)(s->data + base);
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
