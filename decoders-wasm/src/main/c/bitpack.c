/*
 * bitpack.c - decoder module `bitpack` for the encoding `capsule.bitpack` (frame of reference +
 * bit-packing). Layouts FIXED1, FIXED2, FIXED4, FIXED8, and FIXED16 and FIXED32 (decimals whose
 * values fit 64 bits).
 *
 * Payload at P (see format-spec/SPEC.md):
 *   0   i64 reference
 *   8   u8  bit_width b (0..56)
 *   9   7 reserved zero bytes
 *   16  ceil8(n*b) bytes of deltas packed LSB-first, then 8 zero bytes of padding
 *
 * Value i = (reference + delta_i) mod 2^64, truncated to the layout's width, or for FIXED16 and
 * FIXED32 sign-extended from 64 bits to the width. Deltas are unpacked
 * in groups of 8 rows: each 8-byte load (in bounds thanks to the padding) serves up to 8 deltas,
 * and the outputs of a group are written with 8-byte stores; one kernel per output width and
 * deltas-per-load (capsule_abi.h, "Bit unpacking").
 */
#define CAPSULE_ENCODING "capsule.bitpack"
#include "capsule_abi.h"

#define MAX_BIT_WIDTH 56

typedef struct {
  capsule_chunk c;
  u64 reference;
  u32 bits;
  const u8 *packed;
} bitpack_state;

static int bitpack_open(capsule_chunk *c, cursor *cur) {
  bitpack_state *s = (bitpack_state *)c;
  /* The chunk header accepts every FIXEDw other than the word widths (for FIXED32); refuse the
   * other widths before reading the payload, so that a short FIXED3 chunk is reported as
   * unsupported rather than truncated. */
  u32 w = c->width;
  if (w != 1 && w != 2 && w != 4 && w != 8 && w != 16 && w != 32)
    return FAIL1(CAPSULE_ECORRUPT,
                 "layout code % is not supported by this encoding (supported: FIXED1, FIXED2, FIXED4, "
                 "FIXED8, FIXED16, FIXED32)", c->width);
  u64 header_pos = cur->pos;
  const u8 *h = take(cur, 16, "bitpack header");
  if (!h) return CAPSULE_ECORRUPT;
  s->reference = load_u64(h);
  s->bits = h[8];
  if (s->bits > MAX_BIT_WIDTH)
    return FAIL2(CAPSULE_ECORRUPT, "bit_width % at offset % is above the maximum 56", s->bits,
                 header_pos + 8);
  if ((load_u64(h + 8) >> 8) != 0)
    return FAIL2(CAPSULE_ECORRUPT, "reserved bytes at offsets %..% must be 0", header_pos + 9,
                 header_pos + 15);
  u64 packed_len = ceil8((u64)c->n * s->bits);
  u64 packed_pos = cur->pos;
  s->packed = take(cur, packed_len + 8, "packed deltas and padding");
  if (!s->packed) return CAPSULE_ECORRUPT;
  if (load_u64(s->packed + packed_len) != 0)
    return FAIL1(CAPSULE_ECORRUPT, "the 8 padding bytes at offset % must be 0",
                 packed_pos + packed_len);
  return expect_end(cur);
}

/* The 64-bit value v sign-extended to w bytes, w in {16, 32}. */
static ALWAYS_INLINE void store_wide(u8 *o, u64 v, const u32 w) {
  u64 sign = (u64)((i64)v >> 63);
  store_u64(o, v);
  store_u64(o + 8, sign);
  if (w == 32) {
    store_u64(o + 16, sign);
    store_u64(o + 24, sign);
  }
}

/* Rows [first, first + count) one at a time (the <= 7 rows before the first group and after the
 * last one). */
static NOINLINE void unpack_slow(u8 *out, const bitpack_state *s, u64 first, u32 count, u32 w) {
  const u64 mask = low_mask(s->bits);
#pragma clang loop unroll(disable)
  for (u32 i = 0; i < count; i++) {
    u64 v = s->reference + unpack_one(s->packed, s->bits, mask, first + i);
    switch (w) {
      case 1: store_w(out + i, v, 1); break;
      case 2: store_w(out + 2 * i, v, 2); break;
      case 4: store_w(out + 4 * i, v, 4); break;
      case 8: store_w(out + 8 * i, v, 8); break;
      case 16: store_wide(out + 16 * (u64)i, v, 16); break;
      default: store_wide(out + 32 * (u64)i, v, 32); break;
    }
  }
}

/* `groups` groups of 8 values from p (byte aligned): L values per load, w-byte outputs. */
static ALWAYS_INLINE void unpack_groups(u8 *out, const u8 *p, u32 b, u64 ref, u32 groups,
                                        const u32 w, const u32 L) {
  const unpack_plan pl = make_plan(b);
  const u64 mask = low_mask(b);
  for (u32 g = 0; g < groups; g++, p += b, out += 8 * w) {
    u64 v[8];
    unpack_group(v, p, &pl, b, mask, L);
#pragma clang loop unroll(full)
    for (u32 k = 0; k < 8; k++) v[k] += ref;
    if (w > 8) {
#pragma clang loop unroll(full)
      for (u32 k = 0; k < 8; k++) store_wide(out + w * k, v[k], w);
    } else {
      store_group(out, v, w);
    }
  }
}

#define GROUPS(W, L)                                                                      \
  static NOINLINE void groups_##W##_##L(u8 *out, const u8 *p, u32 b, u64 ref, u32 groups) { \
    unpack_groups(out, p, b, ref, groups, W, L);                                          \
  }
#define GROUPS_W(W) GROUPS(W, 1) GROUPS(W, 2) GROUPS(W, 4) GROUPS(W, 8)
GROUPS_W(1)
GROUPS_W(2)
GROUPS_W(4)
GROUPS_W(8)
GROUPS_W(16)
GROUPS_W(32)

/* Runs the group kernel specialised for output width w and values_per_load(b). */
static void run_groups(u32 w, u8 *out, const u8 *p, u32 b, u64 ref, u32 groups) {
  u32 L = values_per_load(b);
#define CASE(W)                                                                 \
  case W:                                                                       \
    if (L == 8) groups_##W##_8(out, p, b, ref, groups);                         \
    else if (L == 4) groups_##W##_4(out, p, b, ref, groups);                    \
    else if (L == 2) groups_##W##_2(out, p, b, ref, groups);                    \
    else groups_##W##_1(out, p, b, ref, groups);                                \
    break;
  switch (w) {
    CASE(1)
    CASE(2)
    CASE(4)
    CASE(8)
    CASE(16)
    default: CASE(32)
  }
#undef CASE
}

/* out[i] = low w bytes of reference + delta(first + i), i in [0, count); b >= 1. */
static void unpack(u8 *out, const bitpack_state *s, u64 first, u32 count, u32 w) {
  const u32 b = s->bits;
  u32 head = head_rows(first, count);
  unpack_slow(out, s, first, head, w);
  u32 groups = (count - head) >> 3;
  const u8 *p = s->packed + (((first + head) * b) >> 3);
  run_groups(w, out + (u64)head * w, p, b, s->reference, groups);
  u32 done = head + 8 * groups;
  unpack_slow(out + (u64)done * w, s, first + done, count - done, w);
}

/* b = 0: every value is the reference. */
static NOINLINE void fill_reference(u8 *out, u64 ref, u32 count, u32 w) {
  switch (w) {
    case 1: fill_value(out, ref, count, 1); break;
    case 2: fill_value(out, ref, count, 2); break;
    case 4: fill_value(out, ref, count, 4); break;
    case 8: fill_value(out, ref, count, 8); break;
    case 16: fill_value16(out, ref, (u64)((i64)ref >> 63), count); break;
    default:
      if (count == 0) break;
      store_wide(out, ref, 32);
      extend_pattern(out, 32, (u64)count * 32);
      break;
  }
}

static int bitpack_decode(capsule_chunk *c, u32 first, u32 count, capsule_buffers *out) {
  bitpack_state *s = (bitpack_state *)c;
  u8 *o = arena_alloc((u64)count * c->width);
  if (!o) return CAPSULE_ENOMEM;
  if (s->bits == 0) {
    fill_reference(o, s->reference, count, c->width);
  } else {
    unpack(o, s, first, count, c->width);
  }
  out->values = (u32)(uintptr_t)o;
  return CAPSULE_OK;
}

EXPORT("capsule_open") u32 capsule_open(u32 chunk_ptr, u32 chunk_len) {
  return capsule_open_common(chunk_ptr, chunk_len, sizeof(bitpack_state),
                             ACCEPT_FIXED1 | ACCEPT_FIXED2 | ACCEPT_FIXED4 | ACCEPT_FIXED8 |
                                 ACCEPT_FIXED16 | ACCEPT_FIXED_OTHER,
                             "FIXED1, FIXED2, FIXED4, FIXED8, FIXED16, FIXED32", bitpack_open);
}

EXPORT("capsule_decode") u32 capsule_decode(u32 handle, u32 first_row, u32 row_count, u32 out_ptr) {
  return capsule_decode_common(handle, first_row, row_count, out_ptr, sizeof(bitpack_state),
                               bitpack_decode);
}
