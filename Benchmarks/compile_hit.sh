#!/usr/bin/env bash
# `ttc compile` from the compile cache, whole process: per model, one compile fills a fresh cache,
# then N cache hits, the given ttc binaries taking turns (so load affects them alike); prints the
# median wall time and the median CPU time (user + system) of each. With --cold the N timed
# compiles pass --no-cache: clang compiles the model's C each time (the runtime object stays cached).
# Usage: Benchmarks/compile_hit.sh [--cold] 20 .build/release/ttc[,other/ttc] out/ms/*.json
set -euo pipefail
cold=()
if [ "${1:-}" = "--cold" ]; then cold=(--no-cache); shift; fi
n=$1; IFS=, read -r -a binaries <<< "$2"; shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
TIMEFORMAT='%3R %3U %3S'
printf "%-16s %-28s %10s %10s\n" model ttc "wall (ms)" "CPU (ms)"
for model in "$@"; do
  for b in "${!binaries[@]}"; do
    "${binaries[$b]}" compile "$model" -o "$work/model.so" --cache-dir "$work/cache-$b" > /dev/null
    : > "$work/times-$b"
  done
  for _ in $(seq "$n"); do
    for b in "${!binaries[@]}"; do
      { time "${binaries[$b]}" compile "$model" -o "$work/model.so" --cache-dir "$work/cache-$b" "${cold[@]}" \
        > /dev/null; } \
        2>> "$work/times-$b"
    done
  done
  for b in "${!binaries[@]}"; do
    wall=$(awk '{print $1 * 1000}' "$work/times-$b" | median)
    cpu=$(awk '{print ($2 + $3) * 1000}' "$work/times-$b" | median)
    printf "%-16s %-28s %10.1f %10.1f\n" "$(basename "$model" .json)" "${binaries[$b]}" "$wall" "$cpu"
  done
done
