#!/usr/bin/env bash
# Runs the parts of the suite that execute C (the runtime's kernels, compiled models) and the fuzz
# campaigns under AddressSanitizer and UndefinedBehaviorSanitizer:
#   scripts/sanitize.sh [XCTEST_FILTER]
# Swift code is built with -sanitize=address (Swift has no UBSan on Linux); the C runtime target
# with -fsanitize=address,undefined; and every model library and runtime object ttc compiles in
# these tests with the same flags through $TTC_CFLAGS (see CCompiler.environmentFlags), so the
# generated C and the runtime run sanitized inside the sanitized test process. Any report stops
# the run (no recovery). Uses its own build folder (.build-asan); a debug build from scratch takes
# 10-20 minutes on 2 cores, which is why CI does not run it.
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-"TTKernelsTests|CompiledOpTests|CompiledVsInterpreterTests|EngineAgreementTests|FusedOpTests|HostileNameTests|MalformedDescriptorTests|CompiledQuantizedTests|TTFuzzingTests|InterpreterErrorTests"}
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
swift build --build-tests --scratch-path .build-asan -Xswiftc -sanitize=address \
  $(for flag in $flags; do printf -- "-Xcc %s " "$flag"; done) 2>&1 |
  grep -v "ld.gold: warning: Cannot export local symbol" || true
# Leak checks are off: the Swift runtime and Foundation keep caches LeakSanitizer reports.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TTC_CFLAGS="$flags" SWIFT_BACKTRACE=enable=no
swift test --skip-build --scratch-path .build-asan --filter "$filter" 2>&1 | tail -40
