#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
source ./scripts/python-reference.sh
swift build --build-tests
# The many temporary compile caches of the tests share one folder of compiled runtime kernels
# (otherwise each compiles them again: minutes of the suite's time).
export TTC_RUNTIME_CACHE="${TTC_RUNTIME_CACHE:-$PWD/.build/ttc-runtime-cache}"
log=$(mktemp)
status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
# The compiled models' C and the runtime kernels under ASan + UBSan (about 2 minutes).
./scripts/sanitize.sh --quick || status=1
# One plain summary line from XCTest's last "Executed N tests, with [S tests skipped and] M failures" line.
summary=$(grep -E "Executed [0-9]+ tests?, with " "$log" | tail -1 || true)
rm -f "$log"
if [ -n "$summary" ]; then
  total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  skipped=$(echo "$summary" | sed -nE 's/.* ([0-9]+) tests? skipped.*/\1/p')
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  skipped=${skipped:-0}
  echo "tests: $((total - skipped - failed)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
