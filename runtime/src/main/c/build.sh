#!/bin/sh
# Builds libaha_kernels.so (aha_kernels.c, the JNI entry points for any x86-64 CPU; aha_products.c and aha_decode.c,
# compiled for AVX-512 and entered only on CPUs that have it) into the directory $1 against the JNI headers of the
# JDK at $2; Maven runs it in the runtime module's compile phase. Where it cannot (no C compiler, not linux-x86_64) it
# says so and builds nothing: dev.aha.runtime.engine.NativeKernels then reports the kernels missing and libtorch
# keeps every product.
# The compiler is $CC, else cc.
set -u
out="$1"
jdk="$2"
here="$(cd "$(dirname "$0")" && pwd)"
cc="${CC:-cc}"
if [ "$(uname -s)" != Linux ] || [ "$(uname -m)" != x86_64 ]; then
  echo "aha-kernels: not built on $(uname -s)-$(uname -m) (linux-x86_64 only); libtorch keeps every product"
  exit 0
fi
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "aha-kernels: WARNING: no C compiler ($cc); libaha_kernels.so not built, libtorch keeps every product"
  exit 0
fi
mkdir -p "$out"
objects="$(mktemp -d)"
trap 'rm -rf "$objects"' EXIT
flags="-O3 -fPIC -Wall -Wextra -Wno-unused-parameter"
"$cc" $flags -I"$jdk/include" -I"$jdk/include/linux" -c "$here/aha_kernels.c" -o "$objects/aha_kernels.o" &&
  "$cc" $flags -mavx512f -mf16c -mfma -c "$here/aha_products.c" -o "$objects/aha_products.o" &&
  "$cc" $flags -mavx512f -mf16c -mfma -c "$here/aha_decode.c" -o "$objects/aha_decode.o" &&
  "$cc" -shared -o "$out/libaha_kernels.so" "$objects"/*.o -lm
