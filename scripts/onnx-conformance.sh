#!/usr/bin/env bash
# Runs ONNX's backend node tests through import -> interpreter and import -> compiled library.
#
#   ./scripts/onnx-conformance.sh                      # all tests; table in out/onnx-conformance
#   ./scripts/onnx-conformance.sh --filter test_conv   # only names containing test_conv
#   ./scripts/onnx-conformance.sh --update-fixtures    # also refresh the suite's fixtures
#
# Installs the `onnx` package (the generators of the tests) into a private venv
# ($ONNX_VENV, default /tmp/ttc-onnx-venv), writes every test as model.onnx + input/output .pb
# files, and prints the totals; out/onnx-conformance/results.md has one row per test
# (passed / failed with the max difference / unsupported with the reason).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${ONNX_VENV:-/tmp/ttc-onnx-venv}
out=out/onnx-conformance
filter=()
update=0
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) filter=(--filter "$2"); shift 2 ;;
    --update-fixtures) update=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "onnx==1.23.2"
rm -rf "$out/cases"
mkdir -p "$out"
"$venv/bin/python" scripts/onnx_conformance_cases.py "$out/cases"
swift build --product onnx-conformance
.build/debug/onnx-conformance "$out/cases" "${filter[@]}" --table "$out/results.md" \
  --passed "$out/passed.txt" --cache-dir "$out/cache"
echo "table: $out/results.md"
if [ "$update" = 1 ]; then
  "$venv/bin/python" scripts/onnx_conformance_fixtures.py "$out/cases" "$out/passed.txt" Tests/TTONNXTests/Fixtures
fi
