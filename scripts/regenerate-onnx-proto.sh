#!/usr/bin/env bash
# Regenerates Sources/TTONNX/Proto/onnx.pb.swift from the onnx.proto that ships in the `onnx`
# wheel on PyPI. Developers only, never CI: building protoc-gen-swift takes minutes.
#
# Needs: Debian's protobuf-compiler (protoc), python3 with venv, and swift-protobuf's sources
# (the package's own dependency, resolved by SwiftPM). Scratch files go to $WORK (default
# /tmp/ttc-onnx-proto), outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=${WORK:-/tmp/ttc-onnx-proto}
onnx_version=${ONNX_VERSION:-1.23.2}
protobuf_version=1.39.0
mkdir -p "$work"

command -v protoc >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq protobuf-compiler
}
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/pip" install -q "onnx==$onnx_version"
proto_dir=$("$work/venv/bin/python" -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')

if [ ! -x "$work/swift-protobuf/.build/release/protoc-gen-swift" ]; then
  rm -rf "$work/swift-protobuf"
  git clone -q --branch "$protobuf_version" https://github.com/apple/swift-protobuf "$work/swift-protobuf"
  (cd "$work/swift-protobuf" && swift build -c release --product protoc-gen-swift)
fi

out="$repo/Sources/TTONNX/Proto"
mkdir -p "$out" "$work/proto"
cp "$proto_dir/onnx.proto" "$work/proto/onnx.proto"
protoc --plugin="$work/swift-protobuf/.build/release/protoc-gen-swift" \
  --swift_opt=Visibility=Internal --swift_out="$out" -I "$work/proto" "$work/proto/onnx.proto"
echo "wrote $out/onnx.pb.swift from onnx $onnx_version"
