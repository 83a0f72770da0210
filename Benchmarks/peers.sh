#!/usr/bin/env bash
# ttc against ONNX Runtime and OpenVINO (1 thread, same models, same weights, interleaved rounds);
# prints the performance table of README's Performance section. See Benchmarks/peers.py.
#
# Usage: Benchmarks/peers.sh [--rounds N] [--seconds S] [--only NAME] [--threads N] [--set models|convs]
# (--threads N: also ttc compiled on N kernel threads against 1, e.g. --only gemm1024 --threads 2;
# --set convs: single ResNet-like convolutions instead of the table's models)
# Python packages (onnx, onnxruntime, openvino, numpy) go into a private venv, $TTC_BENCH_VENV or
# .venv-bench (git-ignored); nothing is installed system-wide.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TTC_BENCH_VENV:-.venv-bench}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet onnx onnxruntime openvino numpy
fi
swift build -c release --product ttc >&2
exec "$venv/bin/python" Benchmarks/peers.py --ttc .build/release/ttc "$@"
