/*
 * dict.c - decoder module `dict` for the encoding `capsule.dict` (dictionary). Layouts FIXEDw for
 * every w (1..254) and VARIABLE; not BIT.
 *
 * Payload (see format-spec/SPEC.md):
 *   u32 dict_size d (d >= 1 if n > 0)
 *   dictionary: FIXEDw d*w bytes; VARIABLE u32 offsets[d+1] (offsets[0] = 0, non-decreasing)
 *               then offsets[d] bytes
 *   u8 code_bit_width b (0..32), 3 reserved zero bytes
 *   ceil8(n*b) bytes of codes packed like capsule.bitpack deltas, then 8 zero bytes of padding
 *
 * The dictionary is validated at open; "every code < d" is checked while decoding (it is per
 * row), before the code is used as an index. When d >= 2^b no b-bit code can break it, and the group
 * kernels run without the check (the reference writer pads dictionaries close below a power of two
 * to get there).
 *
 * VARIABLE windows of at least d rows are returned in dictionary form (decoder ABI v3): the codes as
 * u32 indices and the dictionary in place, for the host to gather. Smaller windows, for which the
 * host's checks of the whole dictionary would cost more than the rows, are gathered here.
 */
#define CAPSULE_ENCODING "capsule.dict"
#define CAPSULE_ABI_VERSION 3 /* VARIABLE output in dictionary form (SPEC 8.7) */
#include "capsule_abi.h"

#define MAX_CODE_BIT_WIDTH 32

/*
 * Values are copied with 8-byte loads and stores, not memory.copy: that is a call into the host per
 * value, which costs more than the copy. The first SHORT_VALUE bytes are copied unconditionally, the
 * rest word by word. The over-read stays inside the chunk: the dictionary data is always followed by
 * at least 12 more chunk bytes (code_bit_width, 3 reserved bytes, the packed codes, 8 padding bytes),
 * so a value starting before data_len - 3 (short_start_end) can be read 16 bytes at a time, and any
 * value can be read in whole words (at most 7 bytes past its end). Only values starting later are
 * copied with memory.copy. A copy may write up to SHORT_VALUE bytes past the value: the next value
 * overwrites them, and the data buffer has SHORT_VALUE spare bytes after the last.
 */
#define SHORT_VALUE 16

/*
 * WIDE_LOADS: FIXEDw dictionary values (w < 8) are read with 8-byte loads and truncated when
 * stored. The over-read stays in the chunk: the dictionary is followed by code_bit_width, 3
 * reserved bytes and at least 8 padding bytes.
 */

typedef struct {
  capsule_chunk c;
  u32 dict_size;
  const u8 *dict;      /* FIXEDw: d * w value bytes; VARIABLE: u32 offsets[d + 1] */
  const u8 *dict_data; /* VARIABLE: value bytes */
  u32 max_len;         /* VARIABLE: longest dictionary value */
  u32 short_start_end; /* VARIABLE: values starting before it may be read 16 bytes wide */
  u32 bits;
  u32 all_codes_valid; /* d >= 2^bits: every code is below d */
  const u8 *codes;
} dict_state;

static int dict_open(capsule_chunk *c, cursor *cur) {
  dict_state *s = (dict_state *)c;
  const u8 *p = take(cur, 4, "dict_size");
  if (!p) return CAPSULE_ECORRUPT;
  u32 d = load_u32(p);
  if (d == 0 && c->n > 0)
    return FAIL1(CAPSULE_ECORRUPT, "dict_size is 0 but the chunk has % rows", c->n);
  s->dict_size = d;
  u64 dict_pos = cur->pos;
  if (c->layout == LAYOUT_VARIABLE) {
    s->dict = take(cur, 4 * ((u64)d + 1), "dictionary offsets");
    if (!s->dict) return CAPSULE_ECORRUPT;
    u32 data_len = load_u32(s->dict + 4 * (u64)d);
    s->dict_data = take(cur, data_len, "dictionary data");
    if (!s->dict_data) return CAPSULE_ECORRUPT;
    int rc = check_offsets(s->dict, d, data_len, dict_pos, "dictionary offsets");
    if (rc) return rc;
    u32 max_len = 0;
    for (u32 k = 0; k < d; k++) {
      u32 len = load_u32(s->dict + 4 * (u64)k + 4) - load_u32(s->dict + 4 * (u64)k);
      max_len = len > max_len ? len : max_len;
    }
    s->max_len = max_len;
    s->short_start_end = data_len + 12 >= SHORT_VALUE ? data_len + 12 - SHORT_VALUE + 1 : 0;
  } else {
    s->dict = take(cur, (u64)d * c->width, "dictionary values");
    if (!s->dict) return CAPSULE_ECORRUPT;
  }
  u64 bits_pos = cur->pos;
  const u8 *h = take(cur, 4, "code_bit_width");
  if (!h) return CAPSULE_ECORRUPT;
  s->bits = h[0];
  if (s->bits > MAX_CODE_BIT_WIDTH)
    return FAIL2(CAPSULE_ECORRUPT, "code_bit_width % at offset % is above the maximum 32", s->bits,
                 bits_pos);
  if ((load_u32(h) >> 8) != 0)
    return FAIL2(CAPSULE_ECORRUPT, "reserved bytes at offsets %..% must be 0", bits_pos + 1,
                 bits_pos + 3);
  s->all_codes_valid = (u64)d >= ((u64)1 << s->bits);
  u64 packed_len = ceil8((u64)c->n * s->bits);
  u64 packed_pos = cur->pos;
  s->codes = take(cur, packed_len + 8, "packed codes and padding");
  if (!s->codes) return CAPSULE_ECORRUPT;
  if (load_u64(s->codes + packed_len) != 0)
    return FAIL1(CAPSULE_ECORRUPT, "the 8 padding bytes at offset % must be 0",
                 packed_pos + packed_len);
  return expect_end(cur);
}

/* Whether all 8 codes are below d: code - d (both < 2^33) wraps around, setting bit 63, exactly then. */
static ALWAYS_INLINE int codes_below(const u64 code[8], u64 d) {
  u64 below = ~(u64)0;
#pragma clang loop unroll(full)
  for (u32 k = 0; k < 8; k++) below &= code[k] - d;
  return (int)(below >> 63);
}

static NOINLINE int code_error(const dict_state *s, u64 row) {
  u64 code = unpack_one(s->codes, s->bits, low_mask(s->bits), row);
  return FAIL3(CAPSULE_ECORRUPT, "code % of row % is not below dict_size %", code, row,
               s->dict_size);
}

/* ---- FIXEDw -------------------------------------------------------------------------------- */

static ALWAYS_INLINE void copy_value(u8 *dst, const u8 *dict, u64 code, const u32 w) {
  if (w == 16) {
    const u8 *src = dict + 16 * code;
    store_u64(dst, load_u64(src));
    store_u64(dst + 8, load_u64(src + 8));
  } else {
    store_w(dst, load_w(dict + code * w, w), w);
  }
}

/*
 * Rows [first, first + count) one at a time (at most 7 before the first group and after the
 * last, or the group holding a bad code). Returns count, or the index of the first row whose code
 * is out of range.
 */
static NOINLINE u32 gather_slow(u8 *out, const dict_state *s, u64 first, u32 count, u32 w) {
  const u64 mask = low_mask(s->bits), d = s->dict_size;
#pragma clang loop unroll(disable)
  for (u32 i = 0; i < count; i++) {
    u64 code = unpack_one(s->codes, s->bits, mask, first + i);
    if (code >= d) return i;
    switch (w) {
      case 1: copy_value(out + i, s->dict, code, 1); break;
      case 2: copy_value(out + 2 * i, s->dict, code, 2); break;
      case 4: copy_value(out + 4 * i, s->dict, code, 4); break;
      case 8: copy_value(out + 8 * i, s->dict, code, 8); break;
      case 16: copy_value(out + 16 * i, s->dict, code, 16); break;
      default: __builtin_memcpy(out + (u64)w * i, s->dict + code * w, w); break;
    }
  }
  return count;
}

/*
 * `groups` groups of 8 rows from p (byte aligned), L codes per load, w-byte values. Returns
 * groups, or the index of the first group holding a code >= dict_size (nothing of it written).
 * Codes are not checked where all_codes_valid: a flag tested per group, which costs less than the
 * check and less code than a second copy of every kernel.
 */
static ALWAYS_INLINE u32 gather_groups(u8 *out, const u8 *p, const dict_state *s, u32 groups,
                                       const u32 w, const u32 L) {
  const u32 b = s->bits;
  const unpack_plan pl = make_plan(b);
  const u64 mask = low_mask(b), d = s->dict_size;
  const u8 *dict = s->dict;
  const int checked = !s->all_codes_valid;
#pragma clang loop unroll_count(2) /* 16 rows per back-edge: measurably faster under Chicory */
  for (u32 g = 0; g < groups; g++, p += b, out += 8 * w) {
    u64 code[8];
    unpack_group(code, p, &pl, b, mask, L);
    if (checked && UNLIKELY(!codes_below(code, d))) return g;
    if (w == 16) {
#pragma clang loop unroll(full)
      for (u32 k = 0; k < 8; k++) copy_value(out + 16 * k, dict, code[k], 16);
    } else {
      u64 v[8];
#pragma clang loop unroll(full)
      for (u32 k = 0; k < 8; k++) v[k] = load_u64(dict + code[k] * w); /* see WIDE_LOADS */
      store_group(out, v, w);
    }
  }
  return groups;
}

#define GATHER(W, L)                                                                          \
  static NOINLINE u32 gather_##W##_##L(u8 *out, const u8 *p, const dict_state *s, u32 groups) { \
    return gather_groups(out, p, s, groups, W, L);                                            \
  }
#define GATHER_W(W) GATHER(W, 1) GATHER(W, 2) GATHER(W, 4) GATHER(W, 8)
GATHER_W(1)
GATHER_W(2)
GATHER_W(4)
GATHER_W(8)
GATHER_W(16)

/* Widths other than 1, 2, 4, 8 and 16 (FIXED3, FIXED12, FIXED32, ...): one memory.copy per row. */
static NOINLINE u32 gather_any(u8 *out, const u8 *p, const dict_state *s, u32 groups, u32 w) {
  const u32 b = s->bits;
  const unpack_plan pl = make_plan(b);
  const u64 mask = low_mask(b), d = s->dict_size;
  for (u32 g = 0; g < groups; g++, p += b, out += 8 * (u64)w) {
    u64 code[8];
    unpack_group(code, p, &pl, b, mask, 1);
    if (UNLIKELY(!codes_below(code, d))) return g;
    for (u32 k = 0; k < 8; k++) __builtin_memcpy(out + (u64)w * k, s->dict + code[k] * w, w);
  }
  return groups;
}

/* Runs the group kernel specialised for value width w and values_per_load(b). */
static u32 run_groups(u32 w, u8 *out, const u8 *p, const dict_state *s, u32 groups) {
  u32 L = values_per_load(s->bits);
#define CASE(W)                                                                   \
  case W:                                                                         \
    return L == 8   ? gather_##W##_8(out, p, s, groups)                           \
           : L == 4 ? gather_##W##_4(out, p, s, groups)                           \
           : L == 2 ? gather_##W##_2(out, p, s, groups)                           \
                    : gather_##W##_1(out, p, s, groups);
  switch (w) {
    CASE(1)
    CASE(2)
    CASE(4)
    CASE(8)
    CASE(16)
    default: return gather_any(out, p, s, groups, w);
  }
#undef CASE
}

/* out[i] = dict[code(first + i)]; returns count or the index of the first bad row. b >= 1. */
static u32 gather(u8 *out, const dict_state *s, u64 first, u32 count, u32 w) {
  u32 head = head_rows(first, count);
  u32 done = gather_slow(out, s, first, head, w);
  if (done != head) return done;
  u32 groups = (count - head) >> 3;
  const u8 *p = s->codes + (((first + head) * s->bits) >> 3);
  u32 g = run_groups(w, out + (u64)head * w, p, s, groups);
  done = head + 8 * g;
  /* After a bad group, the slow path stops at the bad row. */
  return done + gather_slow(out + (u64)done * w, s, first + done, count - done, w);
}

/* b = 0: every code is 0. */
static NOINLINE void fill_first_entry(u8 *out, const u8 *dict, u32 count, u32 w) {
  switch (w) {
    case 1: fill_value(out, load_w(dict, 1), count, 1); break;
    case 2: fill_value(out, load_w(dict, 2), count, 2); break;
    case 4: fill_value(out, load_w(dict, 4), count, 4); break;
    case 8: fill_value(out, load_w(dict, 8), count, 8); break;
    case 16: fill_value16(out, load_u64(dict), load_u64(dict + 8), count); break;
    default:
      __builtin_memcpy(out, dict, w);
      extend_pattern(out, w, (u64)count * w);
      break;
  }
}

static int dict_fixed(dict_state *s, u32 first, u32 count, capsule_buffers *out) {
  u32 w = s->c.width;
  u8 *o = arena_alloc((u64)count * w);
  if (!o) return CAPSULE_ENOMEM;
  out->values = (u32)(uintptr_t)o;
  if (count == 0) return CAPSULE_OK;
  if (s->bits == 0) {
    fill_first_entry(o, s->dict, count, w); /* d >= 1 since n > 0 */
    return CAPSULE_OK;
  }
  u32 done = gather(o, s, first, count, w);
  return done == count ? CAPSULE_OK : code_error(s, (u64)first + done);
}

/* ---- VARIABLE ------------------------------------------------------------------------------ */

#define FUSED_DATA_LIMIT (16u << 20)

static ALWAYS_INLINE void copy_value_bytes(u8 *dst, const u8 *src, u32 start, u32 len,
                                           u32 short_start_end) {
  if (LIKELY(start < short_start_end)) {
    store_u64(dst, load_u64(src));
    store_u64(dst + 8, load_u64(src + 8));
#pragma clang loop unroll(disable)
    for (u32 k = SHORT_VALUE; k < len; k += 8) store_u64(dst + k, load_u64(src + k));
  } else {
    __builtin_memcpy(dst, src, len);
  }
}

/*
 * Single pass: checks each code, writes the offsets and copies the value. `data` has room for
 * count * max_len + SHORT_VALUE bytes. Returns count, or the index of a row with a bad code.
 */
static NOINLINE u32 variable_fused(u8 *offsets, u8 *data, const dict_state *s, u64 first,
                                   u32 count) {
  const u8 *codes = s->codes, *doffs = s->dict, *ddata = s->dict_data;
  const u32 b = s->bits, limit = s->short_start_end;
  const u64 mask = low_mask(b), d = s->dict_size;
  u64 bit = first * b;
  u32 acc = 0;
  store_u32(offsets, 0);
#pragma clang loop unroll_count(4) /* fewer loop back-edges: each costs an interruption check */
  for (u32 i = 0; i < count; i++, bit += b) {
    u64 code = (load_u64(codes + (bit >> 3)) >> (bit & 7)) & mask;
    if (UNLIKELY(code >= d)) return i;
    u64 bounds = load_u64(doffs + 4 * code); /* offsets[code] | offsets[code + 1] << 32 */
    u32 start = (u32)bounds, len = (u32)(bounds >> 32) - start;
    copy_value_bytes(data + acc, ddata + start, start, len, limit);
    acc += len;
    store_u32(offsets + 4 * (u64)i + 4, acc);
  }
  return count;
}

/*
 * Two passes when the values are long. Pass 1 checks the codes, writes the offsets and keeps each
 * value's start in starts[i]; *total receives the data size. Returns count or a bad row index.
 */
static NOINLINE u32 variable_offsets(u8 *offsets, u32 *starts, const dict_state *s, u64 first,
                                     u32 count, u64 *total) {
  const u8 *codes = s->codes, *doffs = s->dict;
  const u32 b = s->bits;
  const u64 mask = low_mask(b), d = s->dict_size;
  u64 acc = 0;
  u64 bit = first * b;
  store_u32(offsets, 0);
#pragma clang loop unroll_count(4)
  for (u32 i = 0; i < count; i++, bit += b) {
    u64 code = (load_u64(codes + (bit >> 3)) >> (bit & 7)) & mask;
    if (UNLIKELY(code >= d)) return i;
    u64 bounds = load_u64(doffs + 4 * code);
    u32 start = (u32)bounds;
    starts[i] = start;
    acc += (u32)(bounds >> 32) - start;
    store_u32(offsets + 4 * (u64)i + 4, (u32)acc);
  }
  *total = acc;
  return count;
}

/* Pass 2: copies the values (data has SHORT_VALUE spare bytes). */
static NOINLINE void variable_copy(u8 *data, const u8 *offsets, const u32 *starts,
                                   const dict_state *s, u32 count) {
  const u8 *ddata = s->dict_data;
  const u32 limit = s->short_start_end;
  u32 prev = 0;
#pragma clang loop unroll_count(4)
  for (u32 i = 0; i < count; i++) {
    u32 next = load_u32(offsets + 4 * (u64)i + 4);
    copy_value_bytes(data + prev, ddata + starts[i], starts[i], next - prev, limit);
    prev = next;
  }
}

/* ---- VARIABLE, dictionary form ------------------------------------------------------------ */

/* Codes of rows [first, first + count) one at a time; returns count or the first bad row's index. */
static NOINLINE u32 codes_slow(u8 *out, const dict_state *s, u64 first, u32 count) {
  const u64 mask = low_mask(s->bits), d = s->dict_size;
#pragma clang loop unroll(disable)
  for (u32 i = 0; i < count; i++) {
    u64 code = unpack_one(s->codes, s->bits, mask, first + i);
    if (code >= d) return i;
    store_u32(out + 4 * (u64)i, (u32)code);
  }
  return count;
}

/* `groups` groups of 8 codes from p, L per load, as u32; returns groups or the first bad group. */
static ALWAYS_INLINE u32 codes_groups(u8 *out, const u8 *p, const dict_state *s, u32 groups,
                                      const u32 L) {
  const u32 b = s->bits;
  const unpack_plan pl = make_plan(b);
  const u64 mask = low_mask(b), d = s->dict_size;
  const int checked = !s->all_codes_valid; /* as in gather_groups */
#pragma clang loop unroll_count(2)
  for (u32 g = 0; g < groups; g++, p += b, out += 32) {
    u64 code[8];
    unpack_group(code, p, &pl, b, mask, L);
    if (checked && UNLIKELY(!codes_below(code, d))) return g;
    store_group(out, code, 4);
  }
  return groups;
}

#define CODES(L)                                                                              \
  static NOINLINE u32 codes_##L(u8 *out, const u8 *p, const dict_state *s, u32 groups) {     \
    return codes_groups(out, p, s, groups, L);                                                \
  }
CODES(1)
CODES(2)
CODES(4)
CODES(8)

/* out[i] = code(first + i) as u32; returns count or the index of the first bad row. */
static u32 unpack_codes(u8 *out, const dict_state *s, u64 first, u32 count) {
  u32 head = head_rows(first, count);
  u32 done = codes_slow(out, s, first, head);
  if (done != head) return done;
  u32 groups = (count - head) >> 3;
  const u8 *p = s->codes + (((first + head) * s->bits) >> 3);
  u8 *o = out + 4 * (u64)head;
  u32 L = values_per_load(s->bits);
  u32 g = L == 8   ? codes_8(o, p, s, groups)
          : L == 4 ? codes_4(o, p, s, groups)
          : L == 2 ? codes_2(o, p, s, groups)
                   : codes_1(o, p, s, groups);
  done = head + 8 * g;
  return done + codes_slow(out + 4 * (u64)done, s, first + done, count - done);
}

static int dict_indices(dict_state *s, u32 first, u32 count, capsule_buffers *out) {
  u8 *indices = arena_alloc(4 * (u64)count);
  if (!indices) return CAPSULE_ENOMEM;
  u32 done = unpack_codes(indices, s, first, count);
  if (done != count) return code_error(s, (u64)first + done);
  out->form = FORM_DICTIONARY;
  out->values = (u32)(uintptr_t)indices;
  out->count = s->dict_size;
  out->child_offsets = (u32)(uintptr_t)s->dict;
  out->child_data = (u32)(uintptr_t)s->dict_data;
  return CAPSULE_OK;
}

static int dict_variable(dict_state *s, u32 first, u32 count, capsule_buffers *out) {
  if (s->dict_size <= count) return dict_indices(s, first, count, out);
  u8 *offsets = arena_alloc(4 * ((u64)count + 1));
  if (!offsets) return CAPSULE_ENOMEM;
  out->values = (u32)(uintptr_t)offsets;
  u64 reserve = (u64)count * s->max_len;
  u8 *data;
  u32 done;
  if (reserve <= FUSED_DATA_LIMIT) {
    data = arena_alloc(reserve + SHORT_VALUE);
    if (!data) return CAPSULE_ENOMEM;
    done = variable_fused(offsets, data, s, first, count);
  } else {
    u32 *starts = (u32 *)arena_alloc(4 * (u64)count);
    if (!starts) return CAPSULE_ENOMEM;
    u64 total = 0;
    done = variable_offsets(offsets, starts, s, first, count, &total);
    if (done == count) {
      if (total > INT32_MAX)
        return FAIL1(CAPSULE_EINVAL,
                     "the rows requested hold % bytes, more than Arrow offsets allow; request fewer",
                     total);
      data = arena_alloc(total + SHORT_VALUE);
      if (!data) return CAPSULE_ENOMEM;
      variable_copy(data, offsets, starts, s, count);
    }
  }
  if (done != count) return code_error(s, (u64)first + done);
  out->data = (u32)(uintptr_t)data;
  return CAPSULE_OK;
}

static int dict_decode(capsule_chunk *c, u32 first, u32 count, capsule_buffers *out) {
  dict_state *s = (dict_state *)c;
  return c->layout == LAYOUT_VARIABLE ? dict_variable(s, first, count, out)
                                      : dict_fixed(s, first, count, out);
}

EXPORT("capsule_open") u32 capsule_open(u32 chunk_ptr, u32 chunk_len) {
  return capsule_open_common(chunk_ptr, chunk_len, sizeof(dict_state),
                             ACCEPT_FIXED_ANY | ACCEPT_VARIABLE,
                             "FIXEDw for w = 1..254, VARIABLE", dict_open);
}

EXPORT("capsule_decode") u32 capsule_decode(u32 handle, u32 first_row, u32 row_count, u32 out_ptr) {
  return capsule_decode_common(handle, first_row, row_count, out_ptr, sizeof(dict_state),
                               dict_decode);
}
