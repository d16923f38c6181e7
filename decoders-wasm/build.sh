#!/usr/bin/env bash
# Builds the Capsule decoder modules (plain, ree, bitpack, dict, parquet) from src/main/c with Debian's
# clang-14 and wasm-ld-14.
#
#   ./build.sh [output-dir]      default: src/main/resources/dev/capsule/decoders/
#
# The output is byte-for-byte deterministic: no debug info, no name or producers section, and
# no path of the checkout ends up in the modules (WasmRebuildTest checks this by rebuilding from
# a copy of the sources in another directory).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/src/main/resources/dev/capsule/decoders}"
CLANG="${CLANG:-clang-14}"
WASM_LD="${WASM_LD:-wasm-ld-14}"

for tool in "$CLANG" "$WASM_LD"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build.sh: $tool not found; install the toolchain with: apt-get install clang-14 lld-14" >&2
    exit 127
  fi
done

# Wasm features: MVP + bulk-memory (memory.fill/memory.copy for runs and copies) + sign-extension,
# all within decoder ABI v1. Never SIMD: Chicory's compiler has none.
CFLAGS=(
  --target=wasm32
  -O2
  -nostdlib
  -ffreestanding
  -mbulk-memory
  -msign-ext
  -std=c11
  -Wall -Wextra -Werror
)
# Small initial memory (stack first, so an overflow traps instead of corrupting data), no maximum:
# the host sets the cap. --strip-all drops the name and producers sections.
LDFLAGS=(
  --no-entry
  --strip-all
  --stack-first
  -z stack-size=16384
  --initial-memory=131072
)

mkdir -p "$out"
out="$(cd "$out" && pwd)"  # absolute: the loop below runs in the source directory
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Compile from inside the source directory with relative file names, so nothing depends on where
# the checkout lives. The two steps (rather than clang driving the linker) name wasm-ld-14
# explicitly: Debian's clang-14 would look for an unversioned wasm-ld.
cd "$here/src/main/c"
for module in plain ree bitpack dict parquet; do
  "$CLANG" "${CFLAGS[@]}" -c "$module.c" -o "$tmp/$module.o"
  "$WASM_LD" "${LDFLAGS[@]}" "$tmp/$module.o" -o "$tmp/$module.wasm"
  install -m 0644 "$tmp/$module.wasm" "$out/$module.wasm"  # data, not executables
done
