#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
swift build --build-tests
log=$(mktemp)
status=0
swift test --skip-build --disable-swift-testing 2>&1 | tee "$log" || status=$?
# One plain summary line from XCTest's last "Executed N tests, with M failures" line.
# XCTest writes "with K tests skipped and M failures" when tests were skipped.
summary=$(grep -E "Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?" "$log" | tail -1 || true)
rm -f "$log"
if [ -n "$summary" ]; then
  total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
  failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
  skipped=0
  if echo "$summary" | grep -qE "[0-9]+ tests? skipped"; then
    skipped=$(echo "$summary" | sed -E 's/.*with ([0-9]+) tests? skipped.*/\1/')
  fi
  echo "tests: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"
fi
exit "$status"
