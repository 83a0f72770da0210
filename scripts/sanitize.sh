#!/usr/bin/env bash
# Runs C code under AddressSanitizer and UndefinedBehaviorSanitizer. Any report stops the run.
#
#   scripts/sanitize.sh --quick
#     (CI, part of scripts/test.sh; about 1-2 minutes) The compiled-model tests of the existing
#     debug build (`swift build --build-tests` first), with every model library and runtime object
#     they compile built with clang -fsanitize=address,undefined (through $TTC_CFLAGS, see
#     CCompiler.environmentFlags) against the shared sanitizer runtime, which is preloaded into
#     the test process: the generated C and every kernel of Runtime/ it calls (GEMM, convolution,
#     pooling, attention, quantized and sparse products, on the widest ISA path of this CPU) run
#     sanitized. The Swift code is not instrumented in this mode.
#
#   scripts/sanitize.sh [XCTEST_FILTER]
#     (full; not in CI) Also builds the Swift code with -sanitize=address and the C runtime
#     target with -fsanitize=address,undefined, in its own build folder (.build-asan; from
#     scratch 10-20 minutes on 2 cores), and runs the kernel tests of TTKernelsTests (every ISA
#     path), the compiled-model tests and the fuzz campaigns.
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# Leak checks are off: the Swift runtime and Foundation keep caches LeakSanitizer reports.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export SWIFT_BACKTRACE=enable=no

if [ "${1:-}" = "--quick" ]; then
  tests=.build/debug/TinyTorchPackageTests.xctest
  [ -x "$tests" ] || { echo "sanitize.sh: build the tests first (swift build --build-tests)" >&2; exit 2; }
  runtime=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
  [ -f "$runtime" ] || { echo "sanitize.sh: no shared ASan runtime at $runtime" >&2; exit 2; }
  # Every test compiles the runtime afresh (its own cache), so the run takes tests that cover the
  # most kernels each: every op family, attention, int8 and f16-weight products.
  cases=(CompiledVsInterpreterTests/testMatrixConvolutionAndPoolingOps
    CompiledVsInterpreterTests/testNormalizationAttentionAndReductionOps
    CompiledVsInterpreterTests/testDataMovementAndConversionOps
    CompiledQuantizedTests/testDynamicQuantizedLinearOnOddShapes
    CompiledQuantizedTests/testLinearWithHalfWeightsOnOddShapes)
  list=$(printf "TTCodegenTests.%s," "${cases[@]}")
  log=$(mktemp)
  status=0
  # -O1 after the compiler's -O3: sanitized code compiles several times faster at -O1.
  TTC_CFLAGS="$flags -O1 -shared-libsan" LD_PRELOAD="$runtime" "$tests" "${list%,}" >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ] || grep -qE "ERROR: AddressSanitizer|runtime error:" "$log"; then
    tail -60 "$log"
    rm -f "$log"
    echo "sanitize.sh: FAILED (sanitizer report or test failure above)"
    exit 1
  fi
  summary=$(grep -E "Executed [0-9]+ tests?" "$log" | tail -1)
  rm -f "$log"
  echo "sanitize.sh: compiled models under ASan+UBSan: ${summary# *}"
  exit 0
fi

filter=${1:-"TTKernelsTests|CompiledOpTests|CompiledVsInterpreterTests|EngineAgreementTests|FusedOpTests|HostileNameTests|MalformedDescriptorTests|CompiledQuantizedTests|TTFuzzingTests|InterpreterErrorTests"}
swift build --build-tests --scratch-path .build-asan -Xswiftc -sanitize=address \
  $(for flag in $flags; do printf -- "-Xcc %s " "$flag"; done) 2>&1 |
  grep -v "ld.gold: warning: Cannot export local symbol" || true
export TTC_CFLAGS="$flags"
swift test --skip-build --scratch-path .build-asan --filter "$filter" 2>&1 | tail -40
