#!/usr/bin/env bash
# Fuzzes the readers of untrusted files with libFuzzer, under AddressSanitizer:
#   scripts/fuzz.sh TARGET|all [SECONDS] [libFuzzer options...]
#   scripts/fuzz.sh graphs COUNT [SEED]
# TARGET: model-json, safetensors, npy, onnx (Tools/Fuzz/Library/FuzzTarget.swift). SECONDS per
# target (default 60). Builds an instrumented ttfuzz into .build-fuzz, writes the seed corpus
# (from the repository's test fixtures) to out/fuzz/seeds, keeps what libFuzzer finds in
# out/fuzz/corpus, and crashing inputs in out/fuzz/crashes. Replay one with
#   .build-fuzz/release/ttfuzz TARGET --replay out/fuzz/crashes/TARGET-crash-...
# Exits non-zero if a target crashed. The test suite runs a short deterministic campaign of
# every target without libFuzzer (Tests/TTFuzzingTests). `graphs` generates COUNT graphs, compiles
# and runs them and compares them with the interpreter (Tools/Fuzz/Library/GraphCampaign.swift;
# not coverage-guided); a disagreement is written to out/fuzz/crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?"usage: scripts/fuzz.sh TARGET|all [SECONDS] [libFuzzer options...]"}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
targets=(model-json safetensors npy onnx)
[ "$target" = all ] || targets=("$target")

runtime="$(clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a"
[ -f "$runtime" ] || { echo "fuzz.sh: libFuzzer not found at $runtime" >&2; exit 2; }
echo "fuzz.sh: building the instrumented ttfuzz (.build-fuzz) ..."
swift build -c release --product ttfuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=address \
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
  -Xswiftc -DTT_LIBFUZZER -Xlinker "$runtime" -Xlinker -lstdc++ 2>&1 |
  grep -v "ld.gold: warning: Cannot export local symbol" || true
fuzzer=.build-fuzz/release/ttfuzz
[ -x "$fuzzer" ] || { echo "fuzz.sh: the build failed" >&2; exit 2; }

# libFuzzer and ASan report crashes themselves; leak checks are off (the Swift runtime and
# Foundation keep caches that LeakSanitizer reports).
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0
mkdir -p out/fuzz/crashes
if [ "$target" = graphs ]; then
  exec "$fuzzer" graphs --count "$seconds" --seed "${1:-1}" --per-library 50 --failures out/fuzz/crashes
fi
rm -rf out/fuzz/seeds
"$fuzzer" seeds out/fuzz/seeds
status=0
for name in "${targets[@]}"; do
  mkdir -p "out/fuzz/corpus/$name"
  log="out/fuzz/$name.log"
  echo "fuzz.sh: $name for ${seconds} s (log: $log)"
  if "$fuzzer" "$name" "out/fuzz/corpus/$name" "out/fuzz/seeds/$name" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -detect_leaks=0 -artifact_prefix="out/fuzz/crashes/$name-" -print_final_stats=1 "$@" >"$log" 2>&1; then
    result="no crash"
  else
    result="CRASHED (see $log and out/fuzz/crashes)"
    status=1
  fi
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  echo "fuzz.sh: $name: ${runs:-?} executions in ${seconds} s, $result"
done
exit "$status"
