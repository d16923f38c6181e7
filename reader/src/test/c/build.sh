#!/usr/bin/env bash
# Builds the reader's test-only decoder modules from this directory with Debian's clang-14 and
# wasm-ld-14 into ../resources/wasm/ (or the directory given), where the tests load them.
#
#   ./build.sh [output-dir]
#
#   arith.wasm             well-behaved decoder of the made-up encoding "test.arith"
#   arith_big_memory.wasm  the same, declaring 32 MiB of initial memory (the cap test)
#   hostile.wasm           misbehaves on purpose, one way per chunk (see hostile.c)
#   missing_decode.wasm, with_import.wasm, abi_4.wasm, bad_signature.wasm
#                          modules that are not legal decoders (see variant.c)
#
# The output is deterministic (no debug info, names or producers section, no paths), and
# TestModulesRebuildTest checks that the checked-in modules are what this script builds.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../resources/wasm}"
CLANG="${CLANG:-clang-14}"
WASM_LD="${WASM_LD:-wasm-ld-14}"

for tool in "$CLANG" "$WASM_LD"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build.sh: $tool not found; install it with: apt-get install clang-14 lld-14" >&2
    exit 127
  fi
done

# The features ABI v1 allows; never SIMD (Chicory's compiler has none).
CFLAGS=(--target=wasm32 -O2 -nostdlib -ffreestanding -mbulk-memory -msign-ext
  -mnontrapping-fptoint -mmutable-globals -std=c11 -Wall -Wextra -Werror)
LDFLAGS=(--no-entry --strip-all --stack-first -z stack-size=65536 --initial-memory=131072)

mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$here"

build() { # name source [cflags...] -- [ldflags...]
  local name="$1" source="$2"
  shift 2
  local cflags=() ldflags=()
  while (($#)) && [[ "$1" != "--" ]]; do cflags+=("$1"); shift; done
  (($#)) && shift
  ldflags=("$@")
  "$CLANG" "${CFLAGS[@]}" "${cflags[@]}" -c "$source" -o "$tmp/$name.o"
  "$WASM_LD" "${LDFLAGS[@]}" "${ldflags[@]}" "$tmp/$name.o" -o "$tmp/$name.wasm"
  cp "$tmp/$name.wasm" "$out/$name.wasm"
}

build arith arith.c
build arith_big_memory arith.c -- --initial-memory=33554432
build hostile hostile.c
build missing_decode variant.c -DMISSING_DECODE
build with_import variant.c -DWITH_IMPORT -- --allow-undefined
build abi_4 variant.c -DABI_4
build bad_signature variant.c -DBAD_SIGNATURE
