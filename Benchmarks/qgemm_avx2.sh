#!/usr/bin/env bash
# The AVX2 int8 GEMM on unpacked weights (tt_qgemm: eager Linear, external weights), this checkout's
# Runtime against the Runtime of git revisions, side by side in one process (qgemm_avx2.c).
#
# Usage: Benchmarks/qgemm_avx2.sh [REVISION ...]   e.g. Benchmarks/qgemm_avx2.sh ba538b7
# (the revisions' builds come first, this checkout's last; needs clang and an AVX2 CPU)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
build() { # build RUNTIME_FOLDER LIBRARY: the TTRuntime library's flags (Package.swift)
  clang -O3 -fPIC -shared -DTT_RUNTIME_LIBRARY -I"$1" -I"$1/include" "$1"/*.c -o "$2" -lm -lpthread
}
libraries=()
for revision in "$@"; do
  mkdir -p "$out/$revision"
  git archive "$revision" Runtime | tar -x -C "$out/$revision"
  build "$out/$revision/Runtime" "$out/$revision.so"
  libraries+=("$out/$revision.so")
done
build Runtime "$out/checkout.so"
libraries+=("$out/checkout.so")
clang -O2 Benchmarks/qgemm_avx2.c -o "$out/qgemm_avx2" -ldl
echo "builds: $* checkout ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Runtime || echo '+changes'))"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
"$out/qgemm_avx2" "${libraries[@]}"
