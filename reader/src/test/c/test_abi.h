/*
 * test_abi.h - the little runtime the reader's test decoders share: integer types, a bump
 * allocator that grows the wasm memory, the error message capsule_error returns, and the ABI
 * descriptor writer. Test-only: the project's real decoders live in decoders-wasm/.
 */
#ifndef CAPSULE_TEST_ABI_H
#define CAPSULE_TEST_ABI_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

#define EXPORT(name) __attribute__((export_name(#name))) name

#define PAGE 65536u

extern u8 __heap_base;
static u32 heap_top;

static inline u32 memory_bytes(void) { return (u32)__builtin_wasm_memory_size(0) * PAGE; }

/* 8-byte-aligned bump allocation, growing the memory as needed; 0 when memory.grow refuses. */
static inline void *bump(u32 size) {
  if (heap_top == 0) heap_top = (u32)&__heap_base;
  u64 p = ((u64)heap_top + 7) & ~(u64)7;
  u64 end = p + size;
  u64 have = (u64)__builtin_wasm_memory_size(0) * PAGE;
  if (end > have) {
    u64 pages = (end - have + PAGE - 1) / PAGE;
    if (pages > 65536 || __builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1) return 0;
  }
  heap_top = (u32)end;
  return (void *)(u32)p;
}

/* A reusable output buffer: reallocated (the old one is abandoned) only when it is too small. */
typedef struct {
  u8 *p;
  u32 cap;
} slot;

static inline u8 *ensure(slot *s, u32 size) {
  if (size > s->cap || s->p == 0) {
    s->p = bump(size ? size : 8);
    s->cap = s->p ? size : 0;
  }
  return s->p;
}

/* capsule_error's answer: u32 length, then UTF-8 text. */
static struct {
  u32 len;
  char text[252];
} error_message;

static inline int fail(const char *text) {
  u32 n = 0;
  while (text[n] && n < sizeof error_message.text) {
    error_message.text[n] = text[n];
    n++;
  }
  error_message.len = n;
  return 1;
}

/* The 60-byte ABI v1 descriptor (Arrow C Data Interface ArrowArray with 32-bit pointers). */
typedef struct {
  i64 length, null_count, offset, n_buffers, n_children;
  u32 buffers, children, dictionary, release, private_data;
} descriptor;

_Static_assert(sizeof(descriptor) == 60 || sizeof(descriptor) == 64, "descriptor layout");

static u32 buffer_table[3];

static inline void describe(u32 out, i64 length, i64 null_count, i64 n_buffers, u32 b0, u32 b1, u32 b2) {
  buffer_table[0] = b0;
  buffer_table[1] = b1;
  buffer_table[2] = b2;
  descriptor *d = (descriptor *)out;
  d->length = length;
  d->null_count = null_count;
  d->offset = 0;
  d->n_buffers = n_buffers;
  d->n_children = 0;
  d->buffers = (u32)buffer_table;
  d->children = 0;
  d->dictionary = 0;
  d->release = 0;
  d->private_data = 0;
}

static inline u32 load_u32(const u8 *p) { return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24; }

static inline i64 load_i64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return (i64)v;
}

#endif
