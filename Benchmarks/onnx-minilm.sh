#!/usr/bin/env bash
# A real pretrained model through ONNX: all-MiniLM-L6-v2's trained weights (scripts/fetch-minilm.sh)
# exported by torch.onnx.export, imported by `ttc import`, run interpreted and compiled, compared
# with onnxruntime on real tokenized sentences (≤ 1e-4). See Benchmarks/onnx_minilm.py.
#
# Usage: Benchmarks/onnx-minilm.sh [--exporters torchscript,dynamo]
# torch, transformers, onnx, onnxruntime (several GB: never in CI) come from the same private
# venv as Benchmarks/onnx-zoo.sh ($TTC_ZOO_VENV or .venv-zoo, git-ignored); files go to out/onnx-minilm.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TTC_ZOO_VENV:-.venv-zoo}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch transformers onnx onnxscript onnxruntime numpy
fi
model="$(./scripts/fetch-minilm.sh)"
swift build -c release --product ttc >&2
exec "$venv/bin/python" Benchmarks/onnx_minilm.py --ttc .build/release/ttc --model "$model" \
  --out out/onnx-minilm "$@"
