#!/bin/sh
# Compile the N-API addon: native/roar_blake3.c plus the vendored BLAKE3 sources for this machine.
# One command line shared by scripts/build-native.mjs (local builds) and the release workflow
# (which runs it in manylinux/musllinux containers that have a compiler but no Node).
#   sh scripts/cc-addon.sh <output .node file> <directory holding node_api.h>
set -eu
out=$1
node_include=$2
here=$(cd "$(dirname "$0")/.." && pwd)
v=$here/vendor/blake3
cc=${CC:-cc}
srcs="$here/native/roar_blake3.c $here/native/stat_mtimes.c $v/blake3_dispatch.c $v/blake3_portable.c"
defs=""
case "$(uname -m)" in
  x86_64 | amd64)
    srcs="$srcs $v/blake3_sse2_x86-64_unix.S $v/blake3_sse41_x86-64_unix.S $v/blake3_avx2_x86-64_unix.S $v/blake3_avx512_x86-64_unix.S"
    ;;
  aarch64 | arm64)
    srcs="$srcs $v/blake3_neon.c"
    defs="-DBLAKE3_USE_NEON=1"
    ;;
  *)
    # Portable code only: upstream's dispatch picks no SIMD here.
    ;;
esac
link=""
if [ "$(uname -s)" = Darwin ]; then link="-undefined dynamic_lookup"; fi
# shellcheck disable=SC2086 # word splitting of the source and flag lists is intended
"$cc" -O3 -std=gnu11 -fPIC -shared -fvisibility=hidden -pthread -Wall -Wno-unused-function \
  $defs -I"$v" -I"$node_include" -o "$out" $srcs $link
