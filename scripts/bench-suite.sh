#!/usr/bin/env bash
# The benchmark suite from a fresh clone: builds the release binaries, trains and exports the
# milestone models the suite needs (about 10 s; skipped when out/models has them), then runs
# `ttc bench --suite` and writes out/suite/suite.{md,json,svg}. Extra arguments go to ttc bench
# (e.g. --filter 'digits-mlp' --budget 30). Override the folders with MODELS=dir OUT=dir. GPT=1 also
# trains and exports the TinyTalks GPT (minutes: 19 at load 13 here); without it the suite leaves it out.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
models=${MODELS:-out/models}
out=${OUT:-out/suite}
mkdir -p "$models" "$out"

echo "==> building release binaries"
swift build -c release --product ttc
programs="mlp-1986 cnn-1998 attention-2017"
[ "${GPT:-0}" = 1 ] && programs="$programs tinytalks-2017"
for program in $programs; do swift build -c release --product "$program"; done
bin=.build/release

echo "==> exporting the milestone models into $models"
[ -f "$models/digits-mlp.json" ] || "$bin/mlp-1986" --export "$models" > "$out/mlp-1986.log"
[ -f "$models/lenet.json" ] || "$bin/cnn-1998" --export "$models" > "$out/cnn-1998.log"
[ -f "$models/reverser.json" ] || "$bin/attention-2017" --export "$models" > "$out/attention-2017.log"
if [ "${GPT:-0}" = 1 ] && [ ! -f "$models/tinytalks-gpt.json" ]; then
  "$bin/tinytalks-2017" --export "$models" > "$out/tinytalks-2017.log"
fi

echo "==> ttc bench --suite"
status=0
"$bin/ttc" bench --suite --models "$models" --json-file "$out/suite.json" --plot "$out/suite.svg" "$@" \
  | tee "$out/suite.md" || status=$?
echo "==> wrote $out/suite.md, $out/suite.json, $out/suite.svg"
exit $status
