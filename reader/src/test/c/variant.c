/*
 * variant.c - modules that are not legal decoders, one per -D flag (build.sh):
 *   MISSING_DECODE   no capsule_decode export
 *   WITH_IMPORT      imports env.host_log
 *   ABI_4            capsule_abi() returns 4 (this reader knows 1 to 3)
 *   BAD_SIGNATURE    capsule_decode takes three parameters
 * Each is otherwise a trivial decoder of zero-filled FIXED4 rows.
 */
#include "test_abi.h"

#ifdef WITH_IMPORT
__attribute__((import_module("env"), import_name("host_log"))) void host_log(u32 value);
#endif

int EXPORT(capsule_abi)(void) {
#ifdef ABI_4
  return 4;
#else
  return 1;
#endif
}

u32 EXPORT(capsule_alloc)(u32 size) { return (u32)bump(size); }

int EXPORT(capsule_open)(const u8 *p, u32 len) {
  (void)p;
  (void)len;
#ifdef WITH_IMPORT
  host_log(len);
#endif
  return 1;
}

#ifndef MISSING_DECODE
static slot values_out;

#ifdef BAD_SIGNATURE
int EXPORT(capsule_decode)(u32 handle, u32 count, u32 out) {
  u32 first = 0;
#else
int EXPORT(capsule_decode)(u32 handle, u32 first, u32 count, u32 out) {
#endif
  (void)handle;
  (void)first;
  u8 *values = ensure(&values_out, 4 * count);
  for (u32 i = 0; i < 4 * count; i++) values[i] = 0;
  describe(out, count, 0, 2, 0, (u32)values, 0);
  return 0;
}
#endif

u32 EXPORT(capsule_error)(u32 handle) {
  (void)handle;
  return (u32)&error_message;
}
