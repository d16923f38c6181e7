/*
 * ree.c - decoder module `ree` for the encoding `capsule.ree` (run-end encoding).
 *
 * Payload (see format-spec/SPEC.md):
 *   u32 run_count r (r = 0 iff n = 0)
 *   u32 run_ends[r], strictly increasing, run_ends[r-1] = n
 *   run values: BIT r bytes (0 or 1); FIXEDw r*w bytes;
 *               VARIABLE u32 offsets[r+1] (offsets[0] = 0, non-decreasing) then offsets[r] bytes
 *
 * Decoding a window binary-searches the run holding first_row, then fills run after run. All
 * run metadata is validated at open (O(r)), so the fill loops need no checks. VARIABLE windows are
 * returned in run-end form (decoder ABI v3): the window's run ends, and its runs' values in place;
 * the host repeats them.
 */
#define CAPSULE_ENCODING "capsule.ree"
#define CAPSULE_ABI_VERSION 3 /* VARIABLE output in run-end form (SPEC 8.7) */
#include "capsule_abi.h"

typedef struct {
  capsule_chunk c;
  u32 runs;
  const u8 *run_ends; /* u32[runs] */
  const u8 *values;   /* BIT: u8[runs]; FIXEDw: runs * w bytes; VARIABLE: u32 offsets[runs + 1] */
  const u8 *data;     /* VARIABLE: value bytes */
} ree_state;

static NOINLINE int run_ends_error(const ree_state *s, u64 ends_pos) {
  u32 prev = 0;
  for (u32 j = 0; j < s->runs; j++) {
    u32 e = load_u32(s->run_ends + 4 * (u64)j);
    if (e <= prev)
      return FAIL4(CAPSULE_ECORRUPT,
                   "run_ends[%] = % at offset % is not greater than the previous run end %", j, e,
                   ends_pos + 4 * (u64)j, prev);
    prev = e;
  }
  return FAIL0(CAPSULE_ECORRUPT, "run_ends are not strictly increasing");
}

static NOINLINE int bit_values_error(const ree_state *s, u64 values_pos) {
  for (u32 j = 0; j < s->runs; j++)
    if (s->values[j] > 1)
      return FAIL3(CAPSULE_ECORRUPT, "run value % at offset % is %; BIT run values are 0 or 1", j,
                   values_pos + j, s->values[j]);
  return FAIL0(CAPSULE_ECORRUPT, "BIT run values must be 0 or 1");
}

static int ree_open(capsule_chunk *c, cursor *cur) {
  ree_state *s = (ree_state *)c;
  const u8 *p = take(cur, 4, "run_count");
  if (!p) return CAPSULE_ECORRUPT;
  u32 r = load_u32(p);
  if ((r == 0) != (c->n == 0))
    return FAIL2(CAPSULE_ECORRUPT, "run_count is % for % rows (it is 0 exactly when there are no rows)",
                 r, c->n);
  s->runs = r;

  u64 ends_pos = cur->pos;
  s->run_ends = take(cur, 4 * (u64)r, "run_ends");
  if (!s->run_ends) return CAPSULE_ECORRUPT;
  u32 prev = 0, bad = 0;
  for (u32 j = 0; j < r; j++) {
    u32 e = load_u32(s->run_ends + 4 * (u64)j);
    bad |= e <= prev;
    prev = e;
  }
  if (bad) return run_ends_error(s, ends_pos);
  if (prev != c->n)
    return FAIL3(CAPSULE_ECORRUPT, "run_ends[%] = % must equal the row count %", r - 1, prev, c->n);

  u64 values_pos = cur->pos;
  if (c->layout == LAYOUT_BIT) {
    s->values = take(cur, r, "run values");
    if (!s->values) return CAPSULE_ECORRUPT;
    u32 any = 0;
    for (u32 j = 0; j < r; j++) any |= s->values[j];
    if (any > 1) return bit_values_error(s, values_pos);
  } else if (c->layout == LAYOUT_VARIABLE) {
    s->values = take(cur, 4 * ((u64)r + 1), "run value offsets");
    if (!s->values) return CAPSULE_ECORRUPT;
    u32 data_len = load_u32(s->values + 4 * (u64)r);
    s->data = take(cur, data_len, "run value data");
    if (!s->data) return CAPSULE_ECORRUPT;
    int rc = check_offsets(s->values, r, data_len, values_pos, "run value offsets");
    if (rc) return rc;
  } else {
    s->values = take(cur, (u64)r * c->width, "run values");
    if (!s->values) return CAPSULE_ECORRUPT;
  }
  return expect_end(cur);
}

/* The run holding `row`: the first j with run_ends[j] > row (row < n). */
static u32 find_run(const u8 *run_ends, u32 runs, u32 row) {
  u32 lo = 0, hi = runs;
  while (lo < hi) {
    u32 mid = lo + ((hi - lo) >> 1);
    if (load_u32(run_ends + 4 * mid) > row) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

/* ---- FIXEDw -------------------------------------------------------------------------------- */

/*
 * Runs of w in {1, 2, 4, 8} bytes are written with 8-byte stores of the value repeated across the
 * word: in blocks of BLOCK_BYTES, and a run (or what is left of it) of at most SHORT_RUN_BYTES with
 * four stores. A block either lies inside its run or ends it, and the bytes written past a run's
 * end are overwritten by the next run's first stores (or land in the RUN_SLACK spare bytes of the
 * output). Blocks rather than one store per value, because each wasm loop iteration costs an
 * interruption check; one flat loop rather than a store loop inside a run loop, because with the
 * nested loops the speed HotSpot made of this function varied by 1.7x from one JVM to the next
 * (with what it happened to profile first).
 */
#define BLOCK_BYTES 128
#define RUN_SLACK BLOCK_BYTES
/* Runs of at most this many bytes take four stores instead of a block. */
#define SHORT_RUN_BYTES 32
/* The rest of a run longer than this is written by memory.fill or doubling memory.copy. */
#define LONG_RUN_BYTES 1024

/* v (w bytes, w in {1, 2, 4, 8}) repeated across 8 bytes. */
static ALWAYS_INLINE u64 splat(u64 v, const u32 w) {
  return w == 1 ? v * 0x0101010101010101ull
       : w == 2 ? v * 0x0001000100010001ull
       : w == 4 ? v * 0x0000000100000001ull
                : v;
}

static ALWAYS_INLINE void store_block(u8 *o, u64 pattern) {
  for (u32 k = 0; k < BLOCK_BYTES; k += 8) store_u64(o + k, pattern);
}

/*
 * The last len bytes of a run, at o, whose first BLOCK_BYTES are written already; BLOCK_BYTES is
 * a multiple of every w, so they hold whole copies of the value.
 */
static NOINLINE void finish_long_run(u8 *o, u32 len, u64 pattern) {
  if (is_byte_splat(pattern, 8)) {
    fill_bytes(o + BLOCK_BYTES, (u8)pattern, len - BLOCK_BYTES);
  } else {
    extend_pattern(o, BLOCK_BYTES, len);
  }
}

/* Fills rows [row, end) from run j on; w in {1, 2, 4, 8}. */
static ALWAYS_INLINE void ree_fixed(u8 *out, const ree_state *s, u32 j, u32 row, u32 end,
                                    const u32 w) {
  const u8 *ends = s->run_ends, *vals = s->values;
  u8 *o = out;
  u8 *run_end = out; /* where the bytes of the run being written end */
  u64 pattern = 0;
  for (;;) {
    if (o == run_end) { /* start the next run (every run has at least one row) */
      if (row == end) return;
      u32 re = load_u32(ends + 4 * j);
      u32 stop = re < end ? re : end;
      run_end = o + (stop - row) * w;
      pattern = splat(load_w(vals + (u64)j * w, w), w);
      row = stop;
      j++;
    }
    u32 left = (u32)((uintptr_t)run_end - (uintptr_t)o);
    if (left <= SHORT_RUN_BYTES) { /* a run of a few values: four stores, not a block */
      store_u64(o, pattern);
      store_u64(o + 8, pattern);
      store_u64(o + 16, pattern);
      store_u64(o + 24, pattern);
      o = run_end;
      continue;
    }
    store_block(o, pattern);
    if (left <= BLOCK_BYTES) {
      o = run_end;
    } else if (LIKELY(left <= LONG_RUN_BYTES)) {
      o += BLOCK_BYTES;
    } else {
      finish_long_run(o, left, pattern);
      o = run_end;
    }
  }
}

static NOINLINE void ree_fixed1(u8 *out, const ree_state *s, u32 j, u32 row, u32 end) {
  ree_fixed(out, s, j, row, end, 1);
}

static NOINLINE void ree_fixed2(u8 *out, const ree_state *s, u32 j, u32 row, u32 end) {
  ree_fixed(out, s, j, row, end, 2);
}

static NOINLINE void ree_fixed4(u8 *out, const ree_state *s, u32 j, u32 row, u32 end) {
  ree_fixed(out, s, j, row, end, 4);
}

static NOINLINE void ree_fixed8(u8 *out, const ree_state *s, u32 j, u32 row, u32 end) {
  ree_fixed(out, s, j, row, end, 8);
}

static NOINLINE void ree_fixed16(u8 *out, const ree_state *s, u32 j, u32 row, u32 end) {
  const u8 *ends = s->run_ends, *vals = s->values;
  u8 *o = out;
  while (row < end) {
    u32 re = load_u32(ends + 4 * j);
    u32 stop = re < end ? re : end;
    u32 len = stop - row;
    u64 lo = load_u64(vals + 16 * (u64)j), hi = load_u64(vals + 16 * (u64)j + 8);
    store_u64(o, lo);
    store_u64(o + 8, hi);
    if (UNLIKELY(len > 1)) {
      if (16 * (u64)len <= BLOCK_BYTES) {
        for (u32 k = 1; k < len; k++) {
          store_u64(o + 16 * k, lo);
          store_u64(o + 16 * k + 8, hi);
        }
      } else {
        fill_value16(o, lo, hi, len);
      }
    }
    o += 16 * (u64)len;
    row = stop;
    j++;
  }
}

/* Any other width w: one copy of the value per run, extended by doubling memory.copy. */
static NOINLINE void ree_fixed_any(u8 *out, const ree_state *s, u32 j, u32 row, u32 end, u32 w) {
  const u8 *ends = s->run_ends, *vals = s->values;
  u8 *o = out;
  while (row < end) {
    u32 re = load_u32(ends + 4 * j);
    u32 stop = re < end ? re : end;
    u64 bytes = (u64)(stop - row) * w;
    __builtin_memcpy(o, vals + (u64)j * w, w);
    extend_pattern(o, w, bytes);
    o += bytes;
    row = stop;
    j++;
  }
}

/* ---- BIT ----------------------------------------------------------------------------------- */

static NOINLINE void ree_bits(u8 *bm, const ree_state *s, u32 j, u32 first, u32 end) {
  const u8 *ends = s->run_ends, *vals = s->values;
  fill_bytes(bm, 0, ceil8(end - first));
  u32 row = first;
  while (row < end) {
    u32 re = load_u32(ends + 4 * j);
    u32 stop = re < end ? re : end;
    if (vals[j]) set_bit_range(bm, row - first, stop - first);
    row = stop;
    j++;
  }
}

/* ---- VARIABLE ------------------------------------------------------------------------------ */

/*
 * Run-end form: runs j0..j1 hold the window, their ends relative to first_row and capped at its end
 * are written out (O(runs)), and their values are the chunk's own, in place: the value offsets from
 * j0 on index the value data as they are (ABI v2 and later need not start at 0).
 */
static int ree_variable(const ree_state *s, u32 j0, u32 first, u32 count, capsule_buffers *out) {
  u32 end = first + count;
  u32 runs = count ? find_run(s->run_ends, s->runs, end - 1) - j0 + 1 : 0;
  u8 *ends = arena_alloc(4 * (u64)runs);
  if (!ends) return CAPSULE_ENOMEM;
  for (u32 k = 0; k < runs; k++) {
    u32 e = load_u32(s->run_ends + 4 * ((u64)j0 + k));
    store_u32(ends + 4 * (u64)k, (e < end ? e : end) - first);
  }
  out->form = FORM_RUN_END;
  out->values = (u32)(uintptr_t)ends;
  out->count = runs;
  out->child_offsets = (u32)(uintptr_t)(s->values + 4 * (u64)j0);
  out->child_data = (u32)(uintptr_t)s->data;
  return CAPSULE_OK;
}

/* ---- dispatch ------------------------------------------------------------------------------ */

static int ree_decode(capsule_chunk *c, u32 first, u32 count, capsule_buffers *out) {
  ree_state *s = (ree_state *)c;
  u32 end = first + count;
  u32 j = count ? find_run(s->run_ends, s->runs, first) : 0;
  if (c->layout == LAYOUT_VARIABLE) return ree_variable(s, j, first, count, out);
  u64 size = c->layout == LAYOUT_BIT ? ceil8(count) : (u64)count * c->width + RUN_SLACK;
  u8 *o = arena_alloc(size);
  if (!o) return CAPSULE_ENOMEM;
  switch (c->layout) {
    case LAYOUT_BIT: ree_bits(o, s, j, first, end); break;
    case LAYOUT_FIXED1: ree_fixed1(o, s, j, first, end); break;
    case LAYOUT_FIXED2: ree_fixed2(o, s, j, first, end); break;
    case LAYOUT_FIXED4: ree_fixed4(o, s, j, first, end); break;
    case LAYOUT_FIXED8: ree_fixed8(o, s, j, first, end); break;
    case LAYOUT_FIXED16: ree_fixed16(o, s, j, first, end); break;
    default: ree_fixed_any(o, s, j, first, end, c->width); break;
  }
  out->values = (u32)(uintptr_t)o;
  return CAPSULE_OK;
}

EXPORT("capsule_open") u32 capsule_open(u32 chunk_ptr, u32 chunk_len) {
  return capsule_open_common(chunk_ptr, chunk_len, sizeof(ree_state),
                             ACCEPT_BIT | ACCEPT_FIXED_ANY | ACCEPT_VARIABLE,
                             "BIT, FIXEDw for w = 1..254, VARIABLE", ree_open);
}

EXPORT("capsule_decode") u32 capsule_decode(u32 handle, u32 first_row, u32 row_count, u32 out_ptr) {
  return capsule_decode_common(handle, first_row, row_count, out_ptr, sizeof(ree_state),
                               ree_decode);
}
