#!/usr/bin/env bash
# Sourced by the test and benchmark scripts: makes `python3` the private virtual environment
# .venv-ref with the reference packages the tests compare against (NumPy, safetensors, jsonschema,
# onnx, onnxruntime), creating it on first use. Without network access the tests that need a
# package skip with a message instead.
venv="$(pwd)/.venv-ref"
packages="numpy safetensors jsonschema onnx onnxruntime"
if [ ! -x "$venv/bin/python3" ] || ! "$venv/bin/python3" -c "import numpy, safetensors, jsonschema, onnx, onnxruntime" 2>/dev/null; then
  echo "==> installing Python reference packages into .venv-ref ($packages)"
  python3 -m venv "$venv" >/dev/null 2>&1 \
    && "$venv/bin/pip" install -q --disable-pip-version-check $packages >/dev/null 2>&1 \
    || echo "==> could not install the Python reference packages; tests that need them will skip"
fi
if [ -x "$venv/bin/python3" ]; then export PATH="$venv/bin:$PATH"; fi
