#!/usr/bin/env bash
# Real architectures exported by `torch.onnx.export` (torchvision image models, a torch
# TransformerEncoder, a Hugging Face BertModel; random weights) through `ttc import`, run
# interpreted and compiled at -O2 and compared with onnxruntime. See Benchmarks/onnx_zoo.py.
#
# Usage: Benchmarks/onnx-zoo.sh [--only resnet50,densenet121] [--exporters torchscript,dynamo]
# torch, torchvision and transformers (several GB: never in CI) go into a private venv,
# $TTC_ZOO_VENV or .venv-zoo (git-ignored); the exported files go to out/onnx-zoo.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TTC_ZOO_VENV:-.venv-zoo}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet torch torchvision transformers onnx onnxscript onnxruntime numpy
fi
swift build -c release --product ttc >&2
exec "$venv/bin/python" Benchmarks/onnx_zoo.py --ttc .build/release/ttc --out out/onnx-zoo "$@"
