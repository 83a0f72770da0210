#!/usr/bin/env bash
# Times `ttc import` (release build) on a ~100 MB ONNX model, or on the files given: median of
# several runs, CPU time and load. See Benchmarks/onnx_import_time.py.
#
# Usage: Benchmarks/onnx-import.sh [--runs N] [FILE.onnx ...]
# numpy and onnx (to write the default model) go into the conformance venv ($ONNX_VENV, default
# /tmp/ttc-onnx-venv), as scripts/onnx-conformance.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${ONNX_VENV:-/tmp/ttc-onnx-venv}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "onnx==1.23.2" numpy
swift build -c release --product ttc >&2
exec "$venv/bin/python" Benchmarks/onnx_import_time.py --ttc .build/release/ttc "$@"
