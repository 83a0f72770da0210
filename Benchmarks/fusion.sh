#!/usr/bin/env bash
# Compiled -O0 vs -O2 on exported models, with the interpreter alongside: release ttc; for each
# model the two levels take turns N times (`ttc bench --json --seconds S`, which itself alternates
# interpreter and compiled calls); the table gives the median of the N medians per engine, the
# -O2 speedup over -O0 compiled, and nodes and intermediate bytes from `ttc compile -O2 -v`.
# Usage: Benchmarks/fusion.sh .build/release/ttc 3 1 out/ms/*.json   (ttc, N, seconds, models)
set -euo pipefail
ttc=$1; n=$2; seconds=$3; shift 3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d$1)"; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-16s %5s %10s %22s %12s %12s %12s %8s\n" model batch nodes intermediates "interp O0" "compiled O0" \
  "compiled O2" speedup
for model in "$@"; do
  for f in interp O0 O2; do : > "$work/$f"; done
  for i in $(seq "$n"); do
    for level in O0 O2; do
      json=$("$ttc" bench "$model" -$level --seconds "$seconds" --json)
      echo "$json" | field "['compiled']['median']*1e6" >> "$work/$level"
      [ $level = O0 ] && echo "$json" | field "['interpreter']['median']*1e6" >> "$work/interp"
      batch=$(echo "$json" | field "['batch']")
    done
  done
  report=$("$ttc" compile "$model" -O2 -v -o "$work/model.so")
  nodes=$(echo "$report" | sed -n 's/^nodes: //p')
  bytes=$(echo "$report" | sed -n 's/^intermediates: //p')
  i0=$(median < "$work/interp"); c0=$(median < "$work/O0"); c2=$(median < "$work/O2")
  printf "%-16s %5s %10s %22s %10.1fµs %10.1fµs %10.1fµs %7.2f×\n" "$(basename "$model" .json)" "$batch" \
    "$nodes" "$bytes" "$i0" "$c0" "$c2" "$(awk -v a="$c0" -v b="$c2" 'BEGIN {print a/b}')"
done
