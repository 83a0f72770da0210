#!/usr/bin/env bash
# Model library sizes: each model as `ttc compile` links it (the runtime object built with
# -ffunction-sections -fdata-sections, the library linked with --gc-sections, so it keeps only the
# kernels the model reaches), next to the same generated model.c linked with the whole runtime (one
# object without per-function sections: how ttc linked before), and the weights the library embeds.
# Usage: Benchmarks/library_sizes.sh TTC 'MODEL.json [ttc compile options]'...
#   e.g. Benchmarks/library_sizes.sh .build/release/ttc out/ms/lenet.json 'out/ms/lenet.json --quantize fp16'
set -euo pipefail
ttc=$1; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One runtime object for all the fresh caches (compiled once unless $TTC_RUNTIME_CACHE has it).
export TTC_RUNTIME_CACHE="${TTC_RUNTIME_CACHE:-$work/runtime}"
# ttc's default compile flags (CCompiler.compileFlags) and runtime define.
flags=(-O3 -march=native -fPIC -fvisibility=hidden -std=c11 -DTT_RUNTIME_OBJECT)
printf "%-44s %12s %12s %12s\n" "model" "whole (KiB)" "ttc (KiB)" "weights (KiB)"
index=0
for argument in "$@"; do
  read -r -a words <<< "$argument"
  cache="$work/cache-$index"; index=$((index + 1))
  "$ttc" compile "${words[@]}" -o "$work/model.so" --cache-dir "$cache" > /dev/null
  entry=$(dirname "$(ls "$cache"/*/model.c)")
  if [ ! -f "$work/whole.o" ]; then
    (cd "$entry" && for file in tt_*.c; do echo "#include \"$file\""; done > "$work/runtime.c" &&
      clang "${flags[@]}" -I. -c -o "$work/whole.o" "$work/runtime.c")
  fi
  (cd "$entry" && clang "${flags[@]}" -shared -o "$work/whole.so" model.c "$work/whole.o" -lm)
  weights=0; [ -f "$entry/weights.bin" ] && weights=$(stat -c %s "$entry/weights.bin")
  awk -v name="$(basename "${words[0]}" .json) ${words[*]:1}" -v whole="$(stat -c %s "$work/whole.so")" \
    -v stripped="$(stat -c %s "$work/model.so")" -v weights="$weights" \
    'BEGIN { printf "%-44s %12.1f %12.1f %12.1f\n", name, whole / 1024, stripped / 1024, weights / 1024 }'
done
