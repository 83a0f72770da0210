#!/usr/bin/env bash
# The runtime GEMM against this machine's limits on the peers table's two MLPs, layer by layer
# (fp32 peak for the batch-256 one, cache read bandwidth for the batch-1 one). See kernel_bounds.c.
#
# Usage: Benchmarks/kernel_bounds.sh [RUNTIME]   (RUNTIME: the kernel sources, default Runtime; another
# checkout's Runtime folder gives its figures, for before/after; needs clang, builds in a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
runtime="${1:-Runtime}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
clang -O3 -march=native -DTT_RUNTIME_LIBRARY -I"$runtime" -I"$runtime/include" "$runtime"/*.c \
  Benchmarks/kernel_bounds.c -o "$out/kernel_bounds" -lm -lpthread
"$out/kernel_bounds"
