#!/usr/bin/env bash
# The main job: train the 1986 MLP milestone on tinydigits, export it as model.json +
# safetensors, compile it to a shared library with ttc, and compare interpreted vs compiled.
# Everything it writes goes to out/demo (override with OUT=dir).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
out=${OUT:-out/demo}
mkdir -p "$out"

echo "==> building release binaries (first build takes a few minutes)"
swift build -c release --product mlp-1986
swift build -c release --product ttc
bin=.build/release

echo "==> 1. train the 1986 MLP and export it"
"$bin/mlp-1986" --export "$out"
model="$out/digits-mlp.json"

echo "==> 2. inspect the traced graph (a Graphviz picture: dot -Tsvg $out/digits-mlp.dot)"
"$bin/ttc" inspect "$model"
"$bin/ttc" graph "$model" --format dot -o "$out/digits-mlp.dot"

echo "==> 3. compile it to C → clang → shared library"
"$bin/ttc" compile "$model" -o "$out/digits-mlp.so" --emit-c "$out/digits-mlp.c"

echo "==> 4. the same prediction, interpreted and compiled"
"$bin/ttc" run "$model" --input "$out/digits-mlp-input.npy"
"$bin/ttc" run "$model" --compiled "$out/digits-mlp.so" --input "$out/digits-mlp-input.npy"

echo "==> 5. where the interpreter spends its time (Chrome/Perfetto trace: $out/profile.json)"
"$bin/ttc" profile "$model" --input "$out/digits-mlp-input.npy" --runs 50 --trace "$out/profile.json"

echo "==> 6. interpreted vs compiled, side by side"
"$bin/ttc" bench "$model" --batch 1
"$bin/ttc" bench "$model" --batch 64
