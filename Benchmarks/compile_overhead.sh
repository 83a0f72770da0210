#!/usr/bin/env bash
# Compile time with -O0 vs -O2 graph passes: release ttc, --no-cache so clang always runs,
# alternating runs, medians of N; prints the total and the passes stage of each level.
# Usage: Benchmarks/compile_overhead.sh .build/release/ttc 5 out/ms/*.json
set -euo pipefail
ttc=$1; n=$2; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seconds() {  # "1.07 s" / "571.7 µs" / "93.7 ms" → seconds
  awk -v v="$1" -v u="$2" 'BEGIN { f = (u=="s") ? 1 : (u=="ms") ? 1e-3 : (u=="µs") ? 1e-6 : 1e-9; printf "%.6f\n", v*f }'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf "%-16s %10s %10s %10s %10s %8s\n" model "O0 total" "O2 total" "O0 passes" "O2 passes" "O2/O0"
for model in "$@"; do
  for level in O0 O2; do : > $work/$level-total; : > $work/$level-passes; done
  for i in $(seq "$n"); do
    for level in O0 O2; do
      out=$("$ttc" compile "$model" -$level --no-cache -o "$work/model.so" --cache-dir "$work/cache")
      seconds $(echo "$out" | awk '$1=="total" {print $2, $3}') >> $work/$level-total
      seconds $(echo "$out" | awk '$1=="passes" {print $2, $3}') >> $work/$level-passes
    done
  done
  o0=$(median < $work/O0-total); o2=$(median < $work/O2-total)
  p0=$(median < $work/O0-passes); p2=$(median < $work/O2-passes)
  printf "%-16s %9.3fs %9.3fs %9.4fs %9.4fs %8.3f\n" "$(basename "$model" .json)" "$o0" "$o2" "$p0" "$p2" \
    "$(awk -v a="$o2" -v b="$o0" 'BEGIN {print a/b}')"
done
