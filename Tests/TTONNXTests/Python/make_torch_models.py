"""Exports PyTorch models with torch.onnx.export, as users do, and runs them in onnxruntime.

python make_torch_models.py OUT_DIR   (needs torch, onnx, onnxscript and onnxruntime)

Writes OUT_DIR/<name>/model.onnx (and model.onnx.data when the exporter keeps the weights
outside), input_0.pb and output_0.pb (onnxruntime's result), the layout of the ONNX node tests,
so `.build/debug/onnx-conformance OUT_DIR` runs them too. Models: a two-layer
nn.TransformerEncoder (GELU, batch_first) exported by the TorchScript exporter (dynamo=False:
Shape/Gather/Mod/Slice arithmetic on static shapes) and by the dynamo exporter (weights in
external data); Tests/TTONNXTests/Fixtures/torch holds them. Larger models (torchvision,
Hugging Face): Benchmarks/onnx-zoo.sh.
"""
import os
import sys

import numpy as np
import onnxruntime
import torch
from onnx import numpy_helper


def encoder():
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True, activation="gelu")
    return torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False), torch.randn(2, 7, 32)


def write(out, name, model, x, dynamo):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    model.eval()
    torch.onnx.export(model, (x,), path, opset_version=17, dynamo=dynamo, input_names=["x"], output_names=["y"])
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    value = x.numpy()
    with open(os.path.join(folder, "input_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(value, "input_0").SerializeToString())
    output = session.run(None, {"x": value})[0]
    with open(os.path.join(folder, "output_0.pb"), "wb") as f:
        f.write(numpy_helper.from_array(np.asarray(output), "output_0").SerializeToString())
    print(name, "exported")


def main():
    out = sys.argv[1]
    model, x = encoder()
    write(out, "encoder_torchscript", model, x, dynamo=False)
    write(out, "encoder_dynamo", model, x, dynamo=True)


if __name__ == "__main__":
    main()
