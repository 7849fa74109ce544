#!/bin/sh
# Compile native/roar_preload.c into the LD_PRELOAD library. One command line shared by
# scripts/build-native.mjs (local builds) and the release workflow (manylinux/musllinux containers,
# which have a compiler but no Node).   sh scripts/cc-preload.sh <output .so>
# Exit 127 when there is no C compiler (build-native.mjs then builds no library, not a failure).
set -eu
out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || exit 127
# -fno-tree-loop-distribute-patterns: the library's own copy loops on the exec path must not turn
#   back into memcpy/strlen calls (see rsys in the source).
# -Wl,-z,noseparate-code: fewer LOAD segments; every process of a job maps this library, most live
#   a millisecond.
# -Wl,-z,now: bind our libc imports at load; lazily bound, each forked child of a shell would
#   resolve them again (symbol-table page faults in every short-lived child).
"$cc" -O2 -fPIC -shared -fvisibility=hidden -U_FORTIFY_SOURCE -Wall -Wextra -Wno-unused-parameter \
  -fno-tree-loop-distribute-patterns -Wl,-z,noseparate-code -Wl,-z,now \
  -o "$out" "$here/native/roar_preload.c" -ldl -pthread
