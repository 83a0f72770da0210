#!/usr/bin/env bash
# Times ttc on long chain models (N nodes, doubling up to 100,000) to show that loading,
# verification, analysis, passes, code generation and C compilation grow linearly with the node
# count (issue 13): each doubling of N should roughly double every time.
#   Benchmarks/large_graph.sh [TTC] [MAX_NODES]
# TTC defaults to .build/release/ttc (swift build -c release --product ttc first). Each model is a
# chain on f32[1, 16]: relu, neg, and every third node an add of the two previous values, so
# values live across nodes. Prints one table: the wall time of `ttc inspect` and the stages that
# `ttc compile --no-cache` reports (-O0 and -O2), plus its peak memory (GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
ttc=$(realpath "${1:-.build/release/ttc}")
max=${2:-100000}
work=$(mktemp -d /tmp/ttc-large-graph.XXXXXX)
trap 'rm -rf "$work"' EXIT
sizes=()
for n in 100000 50000 25000 12500; do [ "$n" -le "$max" ] && sizes=("$n" "${sizes[@]}"); done

make_chain() {
  python3 - "$1" "$2" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
nodes, values = [], ["x"]
for i in range(n):
    if i % 3 == 2:
        op, inputs = "add", [values[-1], values[-2]]
    else:
        op, inputs = ("relu" if i % 3 == 0 else "neg"), [values[-1]]
    name = f"v{i}"
    nodes.append({"name": f"n{i}", "op": op, "inputs": inputs, "outputs": [name]})
    values.append(name)
model = {"format": "ttc-model", "version": 1, "name": f"chain{n}",
         "inputs": [{"name": "x", "dtype": "f32", "shape": [1, 16]}],
         "outputs": [{"name": values[-1], "dtype": "f32", "shape": [1, 16]}],
         "nodes": nodes, "weights": {"inline": {}}}
json.dump(model, open(path, "w"))
PY
}

# Seconds of a command's wall time and its peak resident memory in MiB ("1.23 456").
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  awk '{ printf "%.2f %.0f", $1, $2 / 1024 }' "$work/time"
}

printf "%-8s | %-18s | %-40s | %-40s\n" nodes "inspect s (MiB)" "compile -O0: total s (MiB) [stages]" "compile -O2: total s (MiB) [stages]"
for n in "${sizes[@]}"; do
  make_chain "$n" "$work/chain.json"
  read -r inspect inspect_mib <<<"$(measure "$ttc" inspect "$work/chain.json" --no-nodes)"
  row=$(printf "%-8s | %-18s" "$n" "$inspect ($inspect_mib)")
  for level in -O0 -O2; do
    read -r total mib <<<"$(measure "$ttc" compile "$work/chain.json" -o "$work/chain.so" "$level" \
      --no-cache --cache-dir "$work/cache")"
    # The stage lines of ttc compile ("  load     12.3 ms"), joined.
    stages=$(sed -nE 's/^  ([a-z]+) +([0-9.]+ [a-zµ]+)$/\1 \2/p' "$work/out" | paste -sd, -)
    row+=$(printf " | %-40s" "$total ($mib) [$stages]")
  done
  echo "$row"
done
