/*
 * capsule_abi.h - what every Capsule decoder module shares: the ABI exports that do not depend
 * on the encoding, memory management, chunk-header parsing, error messages and the bit-level
 * kernels (validity copy, bit unpacking).
 *
 * The byte contract is format-spec/SPEC.md. Each module (plain.c, ree.c, bitpack.c, dict.c,
 * parquet.c) is a single translation unit that includes this header, so everything here is
 * `static` and clang specialises it per module.
 *
 * Memory map of an instance (addresses grow to the right):
 *
 *   [ shadow stack | rodata/bss | persistent region ........ | arena (outputs of one decode) ]
 *   0              __heap_base  (capsule_alloc, handles)     ^ g_persist_top       ^ g_arena_top
 *
 * capsule_alloc and capsule_open take memory from the top of everything and move the persistent
 * boundary there, so they never clobber the outputs of the previous decode. capsule_decode resets
 * the arena to the persistent boundary and allocates its output buffers from it, growing the
 * memory (memory.grow) when needed. Nothing is ever freed: the ABI has no call for it.
 *
 * The chunk and the descriptor must lie in memory from capsule_alloc (checked), so no output
 * buffer can overlap them.
 *
 * Trust: the chunk is untrusted. capsule_open validates every size and offset with 64-bit
 * arithmetic (cheap, O(1) or O(runs / dictionary entries)); what is proportional to the rows is
 * checked while decoding (codes < dict_size; plain's offsets inside a window are left to the host,
 * which checks every decoder's offsets). No decoder
 * reads or writes outside [chunk, chunk + chunk_len) except its own output buffers; where a
 * kernel reads a few bytes past a value (8-byte loads), the comment there says why those bytes
 * are still inside the chunk.
 *
 * Speed under Chicory's compiler: every wasm load or store becomes a call through the host's
 * Memory (bounds checks included) and every loop back-edge an interruption check, while plain
 * arithmetic is nearly free. So the kernels are written to do few of both: one 8-byte load
 * serves several packed values, narrow outputs are combined into 8-byte stores, short runs are
 * written as whole words, hot loops are unrolled, and long runs and copies use memory.fill and
 * memory.copy. Functions stay small (each becomes one JVM method, and HotSpot does not JIT
 * methods above 8000 bytecode bytes).
 */
#ifndef CAPSULE_ABI_H
#define CAPSULE_ABI_H

#ifndef CAPSULE_ENCODING
#error "define CAPSULE_ENCODING (the encoding name, e.g. \"capsule.plain\") before including capsule_abi.h"
#endif

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t i64;

/* The decoder ABI a module implements: 1 unless it needs v2 (SPEC 8.6) or v3 (8.7) and says so before this. */
#ifndef CAPSULE_ABI_VERSION
#define CAPSULE_ABI_VERSION 1
#endif

#define EXPORT(name) __attribute__((export_name(name), visibility("default")))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))
/* Helpers in this header that a module may not use. */
#define SHARED static __attribute__((unused))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* capsule_decode return codes (the contract only says "nonzero = error"). */
enum {
  CAPSULE_OK = 0,
  CAPSULE_EINVAL = 1,   /* bad handle, out_ptr or row range: the caller's mistake */
  CAPSULE_ECORRUPT = 2, /* the chunk breaks the contract */
  CAPSULE_ENOMEM = 3    /* memory.grow failed */
};

/* Physical layout codes (chunk header byte 4). */
enum {
  LAYOUT_BIT = 0,
  LAYOUT_FIXED1 = 1,
  LAYOUT_FIXED2 = 2,
  LAYOUT_FIXED4 = 4,
  LAYOUT_FIXED8 = 8,
  LAYOUT_FIXED16 = 16,
  /* Every code 1..254 is FIXEDw with w = code (format 1.1); the ones above have their own paths. */
  LAYOUT_FIXED_MAX = 254,
  LAYOUT_VARIABLE = 255
};

/* Bit sets of accepted layouts, for capsule_chunk_parse. */
#define ACCEPT_BIT (1u << 0)
#define ACCEPT_FIXED1 (1u << 1)
#define ACCEPT_FIXED2 (1u << 2)
#define ACCEPT_FIXED4 (1u << 3)
#define ACCEPT_FIXED8 (1u << 4)
#define ACCEPT_FIXED16 (1u << 5)
#define ACCEPT_VARIABLE (1u << 6)
/* FIXEDw for every other width w in 3..254 (FIXED3, FIXED12, FIXED32, ...). */
#define ACCEPT_FIXED_OTHER (1u << 7)
#define ACCEPT_FIXED_ANY                                                                      \
  (ACCEPT_FIXED1 | ACCEPT_FIXED2 | ACCEPT_FIXED4 | ACCEPT_FIXED8 | ACCEPT_FIXED16 |            \
   ACCEPT_FIXED_OTHER)

/* ---------------------------------------------------------------------------------------------
 * Unaligned little-endian loads and stores (wasm is little-endian; these become single
 * i32/i64.load/store instructions with align=0).
 * ------------------------------------------------------------------------------------------- */

static ALWAYS_INLINE u16 load_u16(const u8 *p) { u16 v; __builtin_memcpy(&v, p, 2); return v; }
static ALWAYS_INLINE u32 load_u32(const u8 *p) { u32 v; __builtin_memcpy(&v, p, 4); return v; }
static ALWAYS_INLINE u64 load_u64(const u8 *p) { u64 v; __builtin_memcpy(&v, p, 8); return v; }
static ALWAYS_INLINE void store_u16(u8 *p, u16 v) { __builtin_memcpy(p, &v, 2); }
static ALWAYS_INLINE void store_u32(u8 *p, u32 v) { __builtin_memcpy(p, &v, 4); }
static ALWAYS_INLINE void store_u64(u8 *p, u64 v) { __builtin_memcpy(p, &v, 8); }

/* Stores the low w bytes of v, w in {1, 2, 4, 8} (a compile-time constant at every call site). */
static ALWAYS_INLINE void store_w(u8 *p, u64 v, const u32 w) {
  switch (w) {
    case 1: *p = (u8)v; break;
    case 2: store_u16(p, (u16)v); break;
    case 4: store_u32(p, (u32)v); break;
    default: store_u64(p, v); break;
  }
}

/* Loads w bytes, w in {1, 2, 4, 8}, zero-extended. */
static ALWAYS_INLINE u64 load_w(const u8 *p, const u32 w) {
  switch (w) {
    case 1: return *p;
    case 2: return load_u16(p);
    case 4: return load_u32(p);
    default: return load_u64(p);
  }
}

static ALWAYS_INLINE u64 ceil8(u64 x) { return (x + 7) >> 3; }
static ALWAYS_INLINE u64 align8(u64 x) { return (x + 7) & ~(u64)7; }

/* ---------------------------------------------------------------------------------------------
 * Error messages: a u32 byte length followed by UTF-8 (ASCII here) text, as capsule_error returns.
 * ------------------------------------------------------------------------------------------- */

#define MSG_CAP 236

typedef struct {
  u32 len;
  char text[MSG_CAP];
} capsule_msg;

static capsule_msg g_open_error;      /* capsule_error(0): the last capsule_open failure */
static capsule_msg g_handle_error;    /* capsule_error(h) for an h that is not a handle */
static capsule_msg *g_msg = &g_open_error; /* where failf writes; set by open/decode */

SHARED void msg_put_str(capsule_msg *m, const char *s) {
  while (*s && m->len < MSG_CAP) m->text[m->len++] = *s++;
}

SHARED void msg_put_u64(capsule_msg *m, u64 v) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n > 0 && m->len < MSG_CAP) m->text[m->len++] = digits[--n];
}

/*
 * Sets the current message to `fmt` with '$' replaced by the string s and each '%' by the next of
 * a, b, c, d in decimal, and returns `code`. Out of line: error paths only.
 */
static NOINLINE int failf(int code, const char *fmt, const char *s, u64 a, u64 b, u64 c, u64 d) {
  capsule_msg *m = g_msg;
  u64 args[4] = {a, b, c, d};
  int next = 0;
  m->len = 0;
  msg_put_str(m, CAPSULE_ENCODING ": ");
  for (; *fmt && m->len < MSG_CAP; fmt++) {
    if (*fmt == '%' && next < 4) {
      msg_put_u64(m, args[next++]);
    } else if (*fmt == '$' && s) {
      msg_put_str(m, s);
    } else {
      m->text[m->len++] = *fmt;
    }
  }
  return code;
}

#define FAIL0(code, fmt) failf(code, fmt, 0, 0, 0, 0, 0)
#define FAIL1(code, fmt, a) failf(code, fmt, 0, (u64)(a), 0, 0, 0)
#define FAIL2(code, fmt, a, b) failf(code, fmt, 0, (u64)(a), (u64)(b), 0, 0)
#define FAIL3(code, fmt, a, b, c) failf(code, fmt, 0, (u64)(a), (u64)(b), (u64)(c), 0)
#define FAIL4(code, fmt, a, b, c, d) failf(code, fmt, 0, (u64)(a), (u64)(b), (u64)(c), (u64)(d))
/* Same with a string argument for '$'. */
#define FAILS(code, fmt, s, a, b, c, d) failf(code, fmt, s, (u64)(a), (u64)(b), (u64)(c), (u64)(d))

/* ---------------------------------------------------------------------------------------------
 * Memory: persistent bump region + per-decode arena, both above __heap_base.
 * ------------------------------------------------------------------------------------------- */

extern u8 __heap_base;

#define WASM_PAGE 65536u
#define ADDRESS_SPACE ((u64)1 << 32)

static u64 g_persist_top; /* end of the persistent region (0 until first use) */
static u64 g_arena_top;   /* end of the arena; >= g_persist_top */

static ALWAYS_INLINE u64 memory_bytes(void) {
  return (u64)__builtin_wasm_memory_size(0) * WASM_PAGE;
}

static ALWAYS_INLINE void heap_init(void) {
  if (UNLIKELY(g_persist_top == 0)) {
    g_persist_top = align8((u64)(uintptr_t)&__heap_base);
    g_arena_top = g_persist_top;
  }
}

/* Makes [0, end) addressable. Returns 0 if memory.grow fails (the host's cap) or end > 4 GiB. */
SHARED int ensure_memory(u64 end) {
  u64 have = memory_bytes();
  if (end <= have) return 1;
  if (end > ADDRESS_SPACE) return 0;
  u64 pages = (end - have + WASM_PAGE - 1) / WASM_PAGE;
  return __builtin_wasm_memory_grow(0, (size_t)pages) != (size_t)-1;
}

/* Persistent allocation (chunks, descriptors, handles): placed above the current arena. */
SHARED u8 *persist_alloc(u64 size) {
  heap_init();
  u64 start = align8(g_arena_top > g_persist_top ? g_arena_top : g_persist_top);
  u64 end = start + size;
  if (!ensure_memory(end)) return 0;
  g_persist_top = end;
  g_arena_top = end;
  return (u8 *)(uintptr_t)start;
}

static ALWAYS_INLINE void arena_reset(void) {
  heap_init();
  g_arena_top = g_persist_top;
}

/* Output allocation for the current decode; 0 = out of memory (the message is set). */
SHARED u8 *arena_alloc(u64 size) {
  u64 start = align8(g_arena_top);
  u64 end = start + size;
  if (!ensure_memory(end)) {
    FAIL2(CAPSULE_ENOMEM, "out of memory: cannot grow the wasm memory to % bytes (% bytes of output)",
          end, size);
    return 0;
  }
  g_arena_top = end;
  return (u8 *)(uintptr_t)start;
}

/* ---------------------------------------------------------------------------------------------
 * Bulk helpers. memset/memcpy with a variable length lower to memory.fill/memory.copy
 * (-mbulk-memory); short lengths use plain loops because each bulk instruction is a host call.
 * ------------------------------------------------------------------------------------------- */

static ALWAYS_INLINE void fill_bytes(u8 *dst, u8 v, u64 len) {
  if (len <= 16) {
    for (u32 i = 0; i < (u32)len; i++) dst[i] = v;
  } else {
    __builtin_memset(dst, v, (size_t)len);
  }
}

/*
 * dst[0 .. len) already holds `have` bytes of a repeating pattern (have >= 1, a multiple of the
 * pattern length); extends it to len bytes by doubling memory.copy.
 */
SHARED void extend_pattern(u8 *dst, u64 have, u64 len) {
  while (have < len) {
    u64 n = have < len - have ? have : len - have;
    __builtin_memcpy(dst + have, dst, (size_t)n);
    have += n;
  }
}

/* True if all bytes of the w-byte value v (w in {1, 2, 4, 8}) are equal. */
static ALWAYS_INLINE int is_byte_splat(u64 v, const u32 w) {
  u64 ones = w == 1 ? 1u : w == 2 ? 0x0101u : w == 4 ? 0x01010101u : 0x0101010101010101ull;
  return v == (v & 0xFF) * ones;
}

/*
 * Writes `count` copies of the w-byte value v (w in {1, 2, 4, 8}): memory.fill when all its bytes
 * are equal, else a few stores and doubling memory.copy.
 */
static ALWAYS_INLINE void fill_value(u8 *o, u64 v, u64 count, const u32 w) {
  if (is_byte_splat(v, w)) {
    fill_bytes(o, (u8)v, count * w);
    return;
  }
  u32 head = count < 8 ? (u32)count : 8;
  for (u32 k = 0; k < head; k++) store_w(o + k * w, v, w);
  extend_pattern(o, (u64)head * w, count * w);
}

/* Same for a 16-byte value (lo, hi). */
static ALWAYS_INLINE void fill_value16(u8 *o, u64 lo, u64 hi, u64 count) {
  if (lo == hi && is_byte_splat(lo, 8)) {
    fill_bytes(o, (u8)lo, count * 16);
    return;
  }
  u32 head = count < 4 ? (u32)count : 4;
  for (u32 k = 0; k < head; k++) {
    store_u64(o + 16 * k, lo);
    store_u64(o + 16 * k + 8, hi);
  }
  extend_pattern(o, (u64)head * 16, count * 16);
}

/*
 * Copies bits [first, first + count) of the bitmap at src (src_len readable bytes) to dst starting
 * at bit 0, zeroes the bits of the last byte past count, and returns the number of 1 bits.
 * dst must have ceil8(count) bytes. Reads only src[first/8 .. src_len).
 */
SHARED NOINLINE u64 copy_bits(u8 *dst, const u8 *src, u64 src_len, u64 first, u32 count) {
  u32 nbytes = (u32)ceil8(count);
  if (nbytes == 0) return 0;
  const u8 *s = src + (first >> 3);
  u64 avail = src_len - (first >> 3); /* bytes readable at s, >= ceil8((first & 7) + count) */
  u32 k = (u32)(first & 7);
  u32 j = 0;
  u64 ones = 0;
  if (k == 0) {
    __builtin_memcpy(dst, s, nbytes);
  } else {
    for (; j + 8 <= nbytes && j + 9 <= avail; j += 8) {
      u64 w = (load_u64(s + j) >> k) | ((u64)s[j + 8] << (64 - k));
      store_u64(dst + j, w);
    }
    for (; j < nbytes; j++) {
      u32 hi = (u64)j + 1 < avail ? (u32)s[j + 1] << (8 - k) : 0;
      dst[j] = (u8)((s[j] >> k) | hi);
    }
  }
  if (count & 7) dst[nbytes - 1] &= (u8)((1u << (count & 7)) - 1);
  for (j = 0; j + 8 <= nbytes; j += 8) ones += (u64)__builtin_popcountll(load_u64(dst + j));
  for (; j < nbytes; j++) ones += (u64)__builtin_popcount(dst[j]);
  return ones;
}

/* Sets bits [a, b) of bm to 1 (the other bits are untouched). */
static ALWAYS_INLINE void set_bit_range(u8 *bm, u32 a, u32 b) {
  if (a >= b) return;
  u32 first_byte = a >> 3, last_byte = (b - 1) >> 3;
  u8 head = (u8)(0xFFu << (a & 7));
  u8 tail = (u8)(0xFFu >> (7 - ((b - 1) & 7)));
  if (first_byte == last_byte) {
    bm[first_byte] |= head & tail;
  } else {
    bm[first_byte] |= head;
    fill_bytes(bm + first_byte + 1, 0xFF, last_byte - first_byte - 1);
    bm[last_byte] |= tail;
  }
}

/* ---------------------------------------------------------------------------------------------
 * Bit unpacking (capsule.bitpack deltas, capsule.dict codes): value i of a stream of b-bit
 * values is (u64_le(packed + (i*b >> 3)) >> (i*b & 7)) & mask, b <= 56. The stream is followed
 * by 8 padding bytes, so the 8-byte load is in bounds for every i < n (checked at open).
 *
 * Kernels work on groups of 8 values starting at a row that is a multiple of 8: such a group
 * starts on a byte boundary and spans exactly b bytes, so its load offsets and shifts are loop
 * invariants (unpack_plan). Under Chicory every memory access costs far more than arithmetic, so
 * one 8-byte load serves L consecutive values whenever they fit in it (7 + L*b <= 64), and
 * narrow outputs are combined into 8-byte stores. Rows before the first group and after the last
 * one go through the one-value-at-a-time path (unpack_one).
 * ------------------------------------------------------------------------------------------- */

static ALWAYS_INLINE u64 low_mask(u32 b) { return ((u64)1 << b) - 1; }

static ALWAYS_INLINE u64 unpack_one(const u8 *packed, u32 b, u64 mask, u64 row) {
  u64 bit = row * b;
  return (load_u64(packed + (bit >> 3)) >> (bit & 7)) & mask;
}

typedef struct {
  u32 off[8];
  u32 shift[8];
} unpack_plan;

static ALWAYS_INLINE unpack_plan make_plan(u32 b) {
  unpack_plan p;
  for (u32 k = 0; k < 8; k++) {
    p.off[k] = (k * b) >> 3;
    p.shift[k] = (k * b) & 7;
  }
  return p;
}

/* Values per 8-byte load within a group: the largest L in {8, 4, 2, 1} with 7 + L*b <= 64. */
static ALWAYS_INLINE u32 values_per_load(u32 b) {
  return b <= 7 ? 8 : b <= 14 ? 4 : b <= 28 ? 2 : 1;
}

/* The 8 values of the group at p (byte aligned), L of them per load. */
static ALWAYS_INLINE void unpack_group(u64 v[8], const u8 *p, const unpack_plan *pl, u32 b,
                                       u64 mask, const u32 L) {
#pragma clang loop unroll(full)
  for (u32 g = 0; g < 8; g += L) {
    u64 w = load_u64(p + pl->off[g]) >> pl->shift[g];
#pragma clang loop unroll(full)
    for (u32 j = 0; j < L; j++) v[g + j] = (w >> (j * b)) & mask;
  }
}

/* Stores the low w bytes of each of v[0..8) at o, w in {1, 2, 4, 8}, with 8-byte stores. */
static ALWAYS_INLINE void store_group(u8 *o, const u64 v[8], const u32 w) {
  switch (w) {
    case 1: {
      u64 x = 0;
#pragma clang loop unroll(full)
      for (u32 k = 0; k < 8; k++) x |= (v[k] & 0xFF) << (8 * k);
      store_u64(o, x);
      break;
    }
    case 2:
#pragma clang loop unroll(full)
      for (u32 h = 0; h < 8; h += 4)
        store_u64(o + 2 * h, (v[h] & 0xFFFF) | (v[h + 1] & 0xFFFF) << 16 |
                                 (v[h + 2] & 0xFFFF) << 32 | v[h + 3] << 48);
      break;
    case 4:
#pragma clang loop unroll(full)
      for (u32 h = 0; h < 8; h += 2) store_u64(o + 4 * h, (v[h] & 0xFFFFFFFFu) | v[h + 1] << 32);
      break;
    default:
#pragma clang loop unroll(full)
      for (u32 k = 0; k < 8; k++) store_u64(o + 8 * k, v[k]);
      break;
  }
}

/* Number of leading rows to handle one by one so that first + head is a multiple of 8. */
static ALWAYS_INLINE u32 head_rows(u64 first, u32 count) {
  u32 h = (u32)((8 - (first & 7)) & 7);
  return h < count ? h : count;
}

/* ---------------------------------------------------------------------------------------------
 * Chunk header and handles
 * ------------------------------------------------------------------------------------------- */

#define HANDLE_MAGIC 0x43415053u /* "SPAC" */

/* Fields common to every encoding; each module's state struct starts with one of these. */
typedef struct {
  u32 magic;
  u32 layout;          /* layout code */
  u32 width;           /* bytes per value for FIXEDw, 0 for BIT and VARIABLE */
  u32 n;               /* rows in the chunk */
  const u8 *chunk;
  u32 chunk_len;
  const u8 *validity;  /* ceil8(n) bytes, or 0 when the chunk has no validity bitmap */
  u32 payload_pos;     /* offset P of the payload in the chunk */
  capsule_msg error;   /* last decode error of this handle */
} capsule_chunk;

/* A bounds-checked reader over the payload; every size is 64-bit so nothing wraps. */
typedef struct {
  const u8 *base;
  u64 pos;
  u64 len;
} cursor;

/* Returns a pointer to the next `size` bytes and advances, or 0 (message set) if truncated. */
SHARED const u8 *take(cursor *c, u64 size, const char *what) {
  if (size > c->len - c->pos) {
    FAILS(CAPSULE_ECORRUPT, "truncated chunk: $ needs % bytes at offset %, the chunk has % bytes",
          what, size, c->pos, c->len, 0);
    return 0;
  }
  const u8 *p = c->base + c->pos;
  c->pos += size;
  return p;
}

SHARED int expect_end(const cursor *c) {
  if (c->pos != c->len)
    return FAIL2(CAPSULE_ECORRUPT, "% unexpected bytes after the payload at offset %",
                 c->len - c->pos, c->pos);
  return CAPSULE_OK;
}

SHARED int layout_width(u32 code) {
  return code >= 1 && code <= LAYOUT_FIXED_MAX ? (int)code : 0;
}

SHARED u32 layout_accept_bit(u32 code) {
  switch (code) {
    case LAYOUT_BIT: return ACCEPT_BIT;
    case LAYOUT_FIXED1: return ACCEPT_FIXED1;
    case LAYOUT_FIXED2: return ACCEPT_FIXED2;
    case LAYOUT_FIXED4: return ACCEPT_FIXED4;
    case LAYOUT_FIXED8: return ACCEPT_FIXED8;
    case LAYOUT_FIXED16: return ACCEPT_FIXED16;
    case LAYOUT_VARIABLE: return ACCEPT_VARIABLE;
    default: return code <= LAYOUT_FIXED_MAX ? ACCEPT_FIXED_OTHER : 0;
  }
}

/*
 * True if [ptr, ptr + len) lies in memory handed out by capsule_alloc (the persistent region), so
 * that no output buffer of a later decode can overlap it.
 */
static ALWAYS_INLINE int in_allocated(u32 ptr, u64 len) {
  heap_init();
  return ptr >= align8((u64)(uintptr_t)&__heap_base) && (u64)ptr + len <= g_persist_top;
}

/*
 * Validates the 8-byte header (+ validity bitmap) of the chunk at ptr (already known to be inside
 * allocated memory) and fills c; on success the cursor is positioned at the payload. Returns 0 or an error code (message set).
 */
static int capsule_chunk_parse(capsule_chunk *c, cursor *cur, u32 ptr, u32 len, u32 accepted,
                               const char *accepted_names) {
  const u8 *chunk = (const u8 *)(uintptr_t)ptr;
  cur->base = chunk;
  cur->pos = 0;
  cur->len = len;
  if (len < 8) return FAIL1(CAPSULE_ECORRUPT, "truncated chunk: % bytes, the header needs 8", len);
  u32 n = load_u32(chunk);
  u32 layout = chunk[4];
  u32 flags = chunk[5];
  u32 reserved = load_u16(chunk + 6);
  u32 accept = layout_accept_bit(layout); /* every code 0..255 names a layout */
  if ((accept & accepted) == 0) {
    return FAILS(CAPSULE_ECORRUPT, "layout code % is not supported by this encoding (supported: $)",
                 accepted_names, layout, 0, 0, 0);
  }
  if (flags & ~1u)
    return FAIL1(CAPSULE_ECORRUPT, "flags byte at offset 5 is %: only bit 0 may be set", flags);
  if (reserved != 0)
    return FAIL1(CAPSULE_ECORRUPT, "reserved header bytes 6..7 must be 0, found %", reserved);
  cur->pos = 8;
  const u8 *validity = 0;
  if (flags & 1) {
    validity = take(cur, ceil8(n), "validity bitmap");
    if (!validity) return CAPSULE_ECORRUPT;
    if ((n & 7) && (validity[n >> 3] >> (n & 7)) != 0)
      return FAIL2(CAPSULE_ECORRUPT, "validity bitmap has bits set past row % (byte at offset %)",
                   n, 8 + (n >> 3));
  }
  c->magic = HANDLE_MAGIC;
  c->layout = layout;
  c->width = (u32)layout_width(layout);
  c->n = n;
  c->chunk = chunk;
  c->chunk_len = len;
  c->validity = validity;
  c->payload_pos = (u32)cur->pos;
  c->error.len = 0;
  return CAPSULE_OK;
}

/*
 * Checks u32 offsets[count + 1] (offsets[0] = 0, non-decreasing) against data_len bytes of
 * data. `what` names the array in messages; `base` is its offset in the chunk.
 */
SHARED int check_offsets(const u8 *offsets, u32 count, u64 data_len, u64 base, const char *what) {
  u32 prev = load_u32(offsets);
  if (prev != 0)
    return FAILS(CAPSULE_ECORRUPT, "$[0] at offset % must be 0, found %", what, base, prev, 0, 0);
  u32 bad = 0;
  for (u32 i = 1; i <= count; i++) {
    u32 v = load_u32(offsets + 4 * (u64)i);
    bad |= v < prev;
    prev = v;
  }
  if (UNLIKELY(bad)) {
    prev = 0;
    for (u32 i = 1; i <= count; i++) {
      u32 v = load_u32(offsets + 4 * (u64)i);
      if (v < prev)
        return FAILS(CAPSULE_ECORRUPT, "$[%] = % at offset % is less than the previous offset %",
                     what, i, v, base + 4 * (u64)i, prev);
      prev = v;
    }
  }
  if (prev != data_len)
    return FAILS(CAPSULE_ECORRUPT, "$[%] = % does not match the % data bytes that follow", what,
                 count, prev, data_len, 0);
  return CAPSULE_OK;
}

/*
 * Looks up a handle; 0 if h is not one this instance returned (the message for capsule_error(h)
 * is then g_handle_error).
 */
static capsule_chunk *handle_lookup(u32 h, u32 state_size) {
  heap_init();
  u64 base = align8((u64)(uintptr_t)&__heap_base);
  if (h == 0 || (h & 7) || h < base || (u64)h + state_size > g_persist_top) return 0;
  capsule_chunk *c = (capsule_chunk *)(uintptr_t)h;
  return c->magic == HANDLE_MAGIC ? c : 0;
}

/* Forms of VARIABLE output (capsule_buffers.form); the encoded ones need ABI v3 (SPEC 8.7). */
#define FORM_PLAIN 0
#define FORM_DICTIONARY 1 /* values: u32 index per row into `count` entries (child_offsets, child_data) */
#define FORM_RUN_END 2    /* values: u32 run ends of `count` runs, whose values are the entries */

/* What an encoding's decode fills in; the common code adds validity and the descriptor. */
typedef struct {
  u32 values;  /* values buffer (BIT, FIXEDw) or offsets buffer (VARIABLE); see FORM_* */
  u32 data;    /* data buffer (VARIABLE only, plain form) */
  /* An encoding whose chunks carry no validity bitmap but have nulls (capsule.parquet: the
   * definition levels) returns its own: the bitmap (0: no null) and its 0 bits over the rows. */
  u32 validity;
  u32 null_count;
  /* Encoded forms only: the dictionary entries or run values, a VARIABLE array without nulls. */
  u32 form;
  u32 count;
  u32 child_offsets;
  u32 child_data;
} capsule_buffers;

typedef int (*open_fn)(capsule_chunk *c, cursor *cur);
typedef int (*decode_fn)(capsule_chunk *c, u32 first, u32 count, capsule_buffers *out);

static ALWAYS_INLINE u32 capsule_open_common(u32 ptr, u32 len, u32 state_size, u32 accepted,
                                             const char *accepted_names, open_fn open) {
  heap_init();
  g_msg = &g_open_error;
  if (!in_allocated(ptr, len)) {
    FAIL2(CAPSULE_EINVAL, "chunk at % with % bytes is not inside memory obtained from capsule_alloc",
          ptr, len);
    return 0;
  }
  u64 saved_persist = g_persist_top, saved_arena = g_arena_top;
  capsule_chunk *c = (capsule_chunk *)persist_alloc(state_size);
  if (!c) {
    FAIL1(CAPSULE_ENOMEM, "out of memory: cannot allocate the % byte decoder state", state_size);
    return 0;
  }
  cursor cur;
  int rc = capsule_chunk_parse(c, &cur, ptr, len, accepted, accepted_names);
  if (rc == CAPSULE_OK) rc = open(c, &cur);
  if (rc != CAPSULE_OK) {
    c->magic = 0;
    g_persist_top = saved_persist;
    g_arena_top = saved_arena;
    return 0;
  }
  g_open_error.len = 0;
  return (u32)(uintptr_t)c;
}

#define DESCRIPTOR_SIZE 60

/* An ArrowArray with 32-bit pointers (SPEC 8.5), field by field: the struct would be 64 bytes. */
static void write_descriptor(u8 *d, u64 length, u64 null_count, u64 n_buffers, u64 n_children,
                             u32 buffers, u32 children, u32 dictionary) {
  store_u64(d + 0, length);
  store_u64(d + 8, null_count);
  store_u64(d + 16, 0); /* offset */
  store_u64(d + 24, n_buffers);
  store_u64(d + 32, n_children);
  store_u32(d + 40, buffers);
  store_u32(d + 44, children);
  store_u32(d + 48, dictionary);
  store_u32(d + 52, 0); /* release */
  store_u32(d + 56, 0); /* private_data */
}

/*
 * A child array of an encoded form (SPEC 8.7) in the arena: `length` values without nulls, buffers
 * [0, b1, b2] of which the first n_buffers count. Returns its descriptor's address, 0 if out of memory.
 */
static u32 child_descriptor(u32 length, u32 n_buffers, u32 b1, u32 b2) {
  u8 *d = arena_alloc(DESCRIPTOR_SIZE + 4 * 3); /* the buffer table follows the descriptor */
  if (!d) return 0;
  u8 *table = d + DESCRIPTOR_SIZE;
  store_u32(table, 0);
  store_u32(table + 4, b1);
  store_u32(table + 8, b2);
  write_descriptor(d, length, 0, n_buffers, 0, (u32)(uintptr_t)table, 0, 0);
  return (u32)(uintptr_t)d;
}

static ALWAYS_INLINE u32 capsule_decode_common(u32 handle, u32 first, u32 count, u32 out_ptr,
                                               u32 state_size, decode_fn decode) {
  capsule_chunk *c = handle_lookup(handle, state_size);
  if (!c) {
    g_msg = &g_handle_error;
    return (u32)FAIL1(CAPSULE_EINVAL, "% is not a handle returned by capsule_open", handle);
  }
  g_msg = &c->error;
  if (!in_allocated(out_ptr, DESCRIPTOR_SIZE) ||
      ((u64)out_ptr + DESCRIPTOR_SIZE > (uintptr_t)c->chunk &&
       out_ptr < (u64)(uintptr_t)c->chunk + c->chunk_len))
    return (u32)FAIL1(CAPSULE_EINVAL,
                      "descriptor pointer % is not in memory from capsule_alloc outside the chunk",
                      out_ptr);
  if ((u64)first + count > c->n)
    return (u32)FAIL3(CAPSULE_EINVAL, "requested rows [%, %) but the chunk has % rows", first,
                      (u64)first + count, c->n);
  arena_reset();

  u64 valid_count = count;
  u32 validity_ptr = 0;
  if (c->validity) {
    u8 *bm = arena_alloc(ceil8(count));
    if (!bm) return CAPSULE_ENOMEM;
    valid_count = copy_bits(bm, c->validity, ceil8(c->n), first, count);
    if (valid_count != count) validity_ptr = (u32)(uintptr_t)bm;
  }

  capsule_buffers bufs = {0};
  int rc = decode(c, first, count, &bufs);
  if (rc != CAPSULE_OK) return (u32)rc;
  if (bufs.validity) {
    validity_ptr = bufs.validity;
    valid_count = count - (u64)bufs.null_count;
  }

  u32 nbuf = c->layout == LAYOUT_VARIABLE ? 3 : 2, n_children = 0, children = 0, dictionary = 0;
  if (bufs.form == FORM_DICTIONARY) { /* buffers: validity, indices */
    dictionary = child_descriptor(bufs.count, 3, bufs.child_offsets, bufs.child_data);
    if (!dictionary) return CAPSULE_ENOMEM;
    nbuf = 2;
  } else if (bufs.form == FORM_RUN_END) { /* buffers: validity; children: run ends, run values */
    u8 *pair = arena_alloc(8);
    if (!pair) return CAPSULE_ENOMEM;
    u32 ends = child_descriptor(bufs.count, 2, bufs.values, 0);
    u32 values = child_descriptor(bufs.count, 3, bufs.child_offsets, bufs.child_data);
    if (!ends || !values) return CAPSULE_ENOMEM;
    store_u32(pair, ends);
    store_u32(pair + 4, values);
    children = (u32)(uintptr_t)pair;
    n_children = 2;
    nbuf = 1;
  }
  u8 *buffers = arena_alloc(4 * 3);
  if (!buffers) return CAPSULE_ENOMEM;
  store_u32(buffers, validity_ptr);
  store_u32(buffers + 4, bufs.values);
  store_u32(buffers + 8, bufs.data);
  write_descriptor((u8 *)(uintptr_t)out_ptr, count, count - valid_count, nbuf, n_children,
                   (u32)(uintptr_t)buffers, children, dictionary);
  return CAPSULE_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Exports shared verbatim by every module (capsule_open and capsule_decode are in the module).
 * ------------------------------------------------------------------------------------------- */

EXPORT("capsule_abi") u32 capsule_abi(void) { return CAPSULE_ABI_VERSION; }

EXPORT("capsule_alloc") u32 capsule_alloc(u32 size) {
  u8 *p = persist_alloc(size);
  return (u32)(uintptr_t)p;
}

EXPORT("capsule_error") u32 capsule_error(u32 handle) {
  if (handle == 0) return (u32)(uintptr_t)&g_open_error;
  /* Any state size works for the lookup: the magic is checked inside the common prefix. */
  capsule_chunk *c = handle_lookup(handle, sizeof(capsule_chunk));
  return (u32)(uintptr_t)(c ? &c->error : &g_handle_error);
}

#endif /* CAPSULE_ABI_H */
