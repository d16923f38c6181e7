/*
 * hostile.c - a test decoder that misbehaves on purpose, one way per chunk. The host must turn
 * every misbehaviour into a DecoderException naming the chunk, without hanging, running out of
 * memory or leaking a buffer (HostileDecoderTest).
 *
 * Chunk: u8 mode, u8 layout (4 = FIXED4 rows 0,1,2,..; 255 = VARIABLE rows "ab"), nothing else
 * matters. Mode 0 decodes correctly; the other modes are listed below and in HostileDecoderTest.
 */
#include "test_abi.h"

enum {
  OK = 0,
  TRAP_IN_DECODE = 1,       /* unreachable */
  LOOP_IN_DECODE = 2,       /* never returns */
  GROW_UNTIL_REFUSED = 3,   /* memory.grow(1) until -1, then reports an error */
  GROW_AND_IGNORE = 4,      /* memory.grow(1024) ignoring -1, then stores past the end: trap */
  LENGTH_WRONG = 5,         /* length = row_count + 1 */
  VALUES_OUT_OF_BOUNDS = 6, /* values pointer near the end of memory */
  OFFSETS_DECREASING = 7,
  OFFSETS_PAST_MEMORY = 8,  /* offsets[n] larger than what is left of memory after data */
  INVALID_UTF8 = 9,
  NULL_COUNT_LIES = 10,     /* bitmap with nulls, null_count 0 */
  NULL_COUNT_NO_BITMAP = 11,/* validity pointer 0, null_count 1 */
  DECODE_ERROR = 12,        /* returns 7 with a message */
  OPEN_ERROR = 13,          /* capsule_open returns 0 with a message */
  TRAP_IN_OPEN = 14,
  LOOP_IN_OPEN = 15,
  N_BUFFERS_WRONG = 16,     /* one buffer more than the layout has */
  OFFSET_NONZERO = 17,
  HAS_CHILDREN = 18,
  ERROR_POINTER_BAD = 19,   /* decode fails, capsule_error points outside memory */
  UTF8_SPLIT = 20,          /* "\xc3" "\xa9": the data is valid UTF-8, each value is not */
  FIRST_OFFSET_NONZERO = 21,
  RECURSION = 22,           /* unbounded recursion: the call stack runs out */
  BUFFER_TABLE_OUT_OF_BOUNDS = 23,
  LOOP_IN_ERROR = 24,       /* decode fails, capsule_error never returns */
  HAS_DICTIONARY = 25,
  DIVIDE_BY_ZERO = 26,
  VALIDITY_OUT_OF_BOUNDS = 27,
  HUGE_LENGTH = 28,         /* length 2^40 */
  INVALID_UTF8_IN_NULL = 29,/* row 0 is null and its slot holds 0xff: allowed (SPEC 9.2) */
};

static u32 mode, layout;
static slot values_out, data_out, validity_out;
static volatile u32 sink;

int EXPORT(capsule_abi)(void) { return 1; }

u32 EXPORT(capsule_alloc)(u32 size) { return (u32)bump(size); }

static void spin(void) {
  for (;;) sink++;
}

/* Recursion in wasm locals only (no shadow-stack frame), so the JVM stack is what runs out. */
__attribute__((noinline)) static u32 recurse(u32 depth) {
  /* sink is never 7 at run time, but the compiler cannot know: the recursion stays. */
  if (sink == 7) return 0;
  u32 r = recurse(depth + 1);
  sink = r + depth;
  return r ^ depth;
}

int EXPORT(capsule_open)(const u8 *p, u32 len) {
  if (len < 2) {
    fail("hostile: chunk needs a mode and a layout byte");
    return 0;
  }
  mode = p[0];
  layout = p[1];
  if (mode == OPEN_ERROR) {
    fail("hostile: open refused on purpose");
    return 0;
  }
  if (mode == TRAP_IN_OPEN) __builtin_trap();
  if (mode == LOOP_IN_OPEN) spin();
  return 42;
}

int EXPORT(capsule_decode)(u32 handle, u32 first, u32 count, u32 out) {
  (void)handle;
  switch (mode) {
    case TRAP_IN_DECODE:
      __builtin_trap();
    case LOOP_IN_DECODE:
      spin();
    case GROW_UNTIL_REFUSED: {
      u32 grown = 0;
      while (__builtin_wasm_memory_grow(0, 1) != (unsigned long)-1) grown++;
      (void)grown;
      return fail("hostile: memory.grow refused");
    }
    case GROW_AND_IGNORE:
      for (int i = 0; i < 64; i++) __builtin_wasm_memory_grow(0, 1024);
      *(volatile u32 *)(memory_bytes() + 16) = 1;
      return 0;
    case DECODE_ERROR:
      fail("hostile: decode refused on purpose");
      return 7;
    case ERROR_POINTER_BAD:
    case LOOP_IN_ERROR:
      return 1;
    case RECURSION:
      return (int)recurse(0);
    case DIVIDE_BY_ZERO: {
      sink = 0;
      u32 divisor = sink; /* volatile: the compiler cannot see the 0 */
      return (int)(first / divisor);
    }
  }

  /* A correct answer first; the modes below then spoil one thing about it. */
  u32 bitmap_bytes = (count + 7) / 8;
  u8 *validity = ensure(&validity_out, bitmap_bytes + 8);
  for (u32 i = 0; i < bitmap_bytes; i++) validity[i] = 0xff;
  i64 n_buffers = 2;
  u32 values, data = 0;
  if (layout == 255) {
    u32 *offsets = (u32 *)ensure(&values_out, 4 * (count + 1));
    u8 *bytes = ensure(&data_out, 2 * count + 8);
    offsets[0] = 0;
    for (u32 i = 0; i < count; i++) {
      bytes[2 * i] = 'a';
      bytes[2 * i + 1] = 'b';
      offsets[i + 1] = 2 * (i + 1);
    }
    values = (u32)offsets;
    data = (u32)bytes;
    n_buffers = 3;
    if (mode == OFFSETS_DECREASING && count >= 2) offsets[1] = 5; /* 0, 5, 4: decreases */
    if (mode == OFFSETS_PAST_MEMORY) offsets[count] = memory_bytes() - data + 1;
    if (mode == INVALID_UTF8 && count >= 1) bytes[0] = 0xff;
    if (mode == UTF8_SPLIT && count >= 1) {
      bytes[0] = 'a';
      bytes[1] = 0xc3;
      bytes[2] = 0xa9;
    }
    if (mode == FIRST_OFFSET_NONZERO) offsets[0] = 1;
  } else {
    u32 *ints = (u32 *)ensure(&values_out, 4 * count);
    for (u32 i = 0; i < count; i++) ints[i] = first + i;
    values = (u32)ints;
  }
  u32 with_validity = 0;
  i64 nulls = 0;
  if (mode == NULL_COUNT_LIES && count >= 1) {
    validity[0] = 0xfe;
    with_validity = (u32)validity;
  }
  if (mode == NULL_COUNT_NO_BITMAP) nulls = 1;
  if (mode == INVALID_UTF8_IN_NULL && layout == 255 && count >= 1) {
    ((u8 *)data)[0] = 0xff;
    validity[0] = 0xfe;
    with_validity = (u32)validity;
    nulls = 1;
  }
  if (mode == VALUES_OUT_OF_BOUNDS) values = memory_bytes() - 2;
  if (mode == VALIDITY_OUT_OF_BOUNDS) with_validity = 0xfffffff0u, nulls = 0;
  describe(out, count, nulls, n_buffers, with_validity, values, data);
  descriptor *d = (descriptor *)out;
  if (mode == LENGTH_WRONG) d->length = (i64)count + 1;
  if (mode == N_BUFFERS_WRONG) d->n_buffers = n_buffers + 1;
  if (mode == OFFSET_NONZERO) d->offset = 1;
  if (mode == HAS_CHILDREN) d->n_children = 1;
  if (mode == HAS_DICTIONARY) d->dictionary = 8;
  if (mode == BUFFER_TABLE_OUT_OF_BOUNDS) d->buffers = memory_bytes() - 4;
  if (mode == HUGE_LENGTH) d->length = (i64)1 << 40;
  return 0;
}

u32 EXPORT(capsule_error)(u32 handle) {
  (void)handle;
  if (mode == ERROR_POINTER_BAD) return 0xfffffff0u;
  if (mode == LOOP_IN_ERROR) spin();
  return (u32)&error_message;
}
